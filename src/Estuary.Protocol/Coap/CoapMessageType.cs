namespace Estuary.Protocol.Coap;

/// <summary>The message types of RFC 7252 §3 (the T field) and §4.</summary>
public enum CoapMessageType
{
    /// <summary>Confirmable: the receiver acknowledges it (RFC 7252 §4.2).</summary>
    Confirmable = 0,

    /// <summary>Non-confirmable (RFC 7252 §4.3).</summary>
    NonConfirmable = 1,

    /// <summary>Acknowledgement; a response piggybacked on it (RFC 7252 §5.2.1).</summary>
    Acknowledgement = 2,

    /// <summary>Reset: the receiver could not process a message (RFC 7252 §4.2).</summary>
    Reset = 3,
}
