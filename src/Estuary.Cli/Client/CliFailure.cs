namespace Estuary.Cli.Client;

/// <summary>
/// A failure the verb has already explained (what happened, what was kept where): the exit code, the error
/// kind for JSON, a hint, and details that scripts need (the path of the files kept).
/// </summary>
internal sealed class CliFailure : Exception
{
    public CliFailure()
    {
    }

    public CliFailure(string message)
        : base(message)
    {
    }

    public CliFailure(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public CliFailure(int exitCode, string kind, string message, string? hint, IReadOnlyDictionary<string, object?> details, Exception? innerException = null)
        : base(message, innerException)
    {
        ExitCode = exitCode;
        Kind = kind;
        Hint = hint;
        Details = details;
    }

    public int ExitCode { get; } = ExitCodes.Usage;

    public string Kind { get; } = "failed";

    public string? Hint { get; }

    public IReadOnlyDictionary<string, object?> Details { get; } = new Dictionary<string, object?>();
}
