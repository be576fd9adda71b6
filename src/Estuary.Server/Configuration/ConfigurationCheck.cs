using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>
/// The configuration check `estuary serve` runs before it writes anything (no data folder, CA or database is made
/// when it fails) and `estuary config check` prints: every rule runs, so one pass names every problem.
/// </summary>
public static class ConfigurationCheck
{
    // Order matters only in that the type rule runs first: later rules bind options and skip sections it refused.
    private static readonly IConfigurationRule[] Rules =
    [
        new UnknownKeysRule(),
        new ValueTypesRule(),
        new ListenRule(),
        new CoapsRule(),
        new ServerOptionsRule(),
        new CaRule(),
        new RevocationRule(),
        new LabelsRule(),
        new AdaptersRule(),
        new AdminRule(),
        new StorageRule(),
    ];

    /// <summary>
    /// Every problem of <paramref name="configuration"/>. <paramref name="starting"/> also tries the listen ports
    /// (a port in use is a start-up problem, not one of the configuration an operator checks beside a running server).
    /// </summary>
    public static async Task<IReadOnlyList<ConfigurationProblem>> RunAsync(IConfiguration configuration, bool starting, CancellationToken cancellationToken = default)
    {
        var context = new ConfigurationCheckContext(configuration, starting);
        foreach (var rule in Rules)
        {
            await rule.CheckAsync(context, cancellationToken);
        }

        return context.Problems;
    }

    /// <summary>Loads the sources and checks them; throws <see cref="ConfigurationProblemsException"/> with every problem.</summary>
    public static async Task<IConfigurationRoot> LoadCheckedAsync(string? configFile, IDictionary<string, string?>? overrides, CancellationToken cancellationToken = default)
    {
        var problems = new List<ConfigurationProblem>();
        var configuration = EstuaryConfiguration.Load(configFile, overrides, problems);
        problems.AddRange(await RunAsync(configuration, starting: true, cancellationToken));
        return problems.Count > 0 ? throw new ConfigurationProblemsException(problems) : configuration;
    }
}
