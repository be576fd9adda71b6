namespace Estuary.Storage;

/// <summary>A serial number that is already recorded: the issuance must be retried with a new serial.</summary>
public sealed class DuplicateSerialException : Exception
{
    public DuplicateSerialException()
    {
    }

    public DuplicateSerialException(string message)
        : base(message)
    {
    }

    public DuplicateSerialException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
