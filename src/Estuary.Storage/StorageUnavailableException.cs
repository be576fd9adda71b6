namespace Estuary.Storage;

/// <summary>
/// The database cannot be reached (connection refused or lost, server shutting down, pool exhausted).
/// Nothing of the failed operation was committed; the request may be retried later. The web edge
/// answers 503 with Retry-After.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
