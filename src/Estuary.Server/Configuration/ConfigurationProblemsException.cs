namespace Estuary.Server.Configuration;

/// <summary>
/// The configuration check found mistakes; nothing was written. Carries every problem of the one pass so the
/// command can print one line each (not an exception for a bug: the start stops on purpose). An
/// <see cref="ArgumentException"/>, as every configuration mistake of the server has been.
/// </summary>
public sealed class ConfigurationProblemsException(IReadOnlyList<ConfigurationProblem> problems)
    : ArgumentException($"{problems.Count} configuration problem(s): " + string.Join("; ", problems))
{
    public IReadOnlyList<ConfigurationProblem> Problems { get; } = problems;
}
