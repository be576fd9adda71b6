namespace Estuary.Protocol;

/// <summary>
/// A message from the wire that does not follow RFC 7030 / RFC 8951. The message is safe to
/// show to the client: it names what is wrong, never internal state.
/// </summary>
public sealed class EstProtocolException : Exception
{
    public EstProtocolException()
    {
    }

    public EstProtocolException(string message)
        : base(message)
    {
    }

    public EstProtocolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
