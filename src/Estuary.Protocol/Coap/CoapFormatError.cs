namespace Estuary.Protocol.Coap;

/// <summary>Why a datagram is not a well-formed CoAP message (RFC 7252 §3, §4.2 "message format error").</summary>
public enum CoapFormatErrorKind
{
    /// <summary>Fewer than the four header bytes, or a length that runs past the end.</summary>
    Truncated,

    /// <summary>A version other than 1 (RFC 7252 §3: such messages are silently ignored).</summary>
    UnknownVersion,

    /// <summary>Token length 9–15 (RFC 7252 §3: reserved, a message format error).</summary>
    ReservedTokenLength,

    /// <summary>Option delta or length nibble 15 outside the payload marker (RFC 7252 §3.1).</summary>
    ReservedOptionNibble,

    /// <summary>An option number beyond 65535 or a value longer than the limit.</summary>
    OptionTooLarge,

    /// <summary>More options than the parser takes.</summary>
    TooManyOptions,

    /// <summary>A payload marker followed by no payload (RFC 7252 §3).</summary>
    EmptyPayloadAfterMarker,

    /// <summary>An Empty message (code 0.00) with a token, options or payload (RFC 7252 §4.1).</summary>
    NonEmptyEmptyMessage,

    /// <summary>A message larger than the parser takes.</summary>
    TooLarge,
}

/// <summary>
/// A message format error with what could be read of the header: a Confirmable message with a readable message ID
/// is answered with Reset (RFC 7252 §4.2); anything else is dropped.
/// </summary>
public sealed record CoapFormatError(CoapFormatErrorKind Kind, string Reason, CoapMessageType? Type = null, ushort? MessageId = null);
