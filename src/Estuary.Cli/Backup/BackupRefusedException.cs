namespace Estuary.Cli.Backup;

/// <summary>
/// A request `estuary backup` or `estuary restore` refuses before it changes anything: a bad archive, a non-empty
/// target, an existing output file. The message is the one line the operator sees; the exit status is 2.
/// </summary>
internal sealed class BackupRefusedException : Exception
{
    public BackupRefusedException()
    {
    }

    public BackupRefusedException(string message)
        : base(message)
    {
    }

    public BackupRefusedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
