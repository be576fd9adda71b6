namespace Estuary.Cli.Client;

/// <summary>A bad flag, file or configuration: exit code 2, the message says what to fix.</summary>
internal sealed class CliUsageException : Exception
{
    public CliUsageException()
    {
    }

    public CliUsageException(string message)
        : base(message)
    {
    }

    public CliUsageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
