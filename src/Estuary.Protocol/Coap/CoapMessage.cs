using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Estuary.Protocol.Coap;

/// <summary>
/// A CoAP message (RFC 7252 §3): 4-byte header (version 1, type, token length, code, message ID), token of 0–8
/// bytes, options in ascending number order as deltas, then 0xFF and the payload. Decoding never throws on input:
/// it returns a <see cref="CoapFormatError"/>. Every limit is explicit.
/// </summary>
public sealed class CoapMessage
{
    /// <summary>RFC 7252 §3: the only version defined.</summary>
    public const int Version = 1;

    /// <summary>RFC 7252 §3: token lengths 9–15 are reserved.</summary>
    public const int MaxTokenLength = 8;

    /// <summary>Options one message may carry; EST-coaps requests use a handful (path segments, formats, blocks).</summary>
    public const int MaxOptions = 32;

    /// <summary>The largest option value taken (Uri-Path segments are at most 255 bytes, RFC 7252 §5.10).</summary>
    public const int MaxOptionValueLength = 1034;

    /// <summary>The largest message parsed: one datagram, which DTLS limits to 2^14 of plaintext (RFC 6347 §4.1).</summary>
    public const int MaxMessageLength = 16384;

    private const byte PayloadMarker = 0xFF;

    public CoapMessage(CoapMessageType type, CoapCode code, ushort messageId, byte[]? token = null, IEnumerable<CoapOption>? options = null, byte[]? payload = null)
    {
        if (token is { Length: > MaxTokenLength })
        {
            throw new ArgumentException($"a token is at most {MaxTokenLength} bytes (RFC 7252 §3)", nameof(token));
        }

        Type = type;
        Code = code;
        MessageId = messageId;
        Token = token ?? [];
        // RFC 7252 §3.1: options are ordered by number; a stable sort keeps repeated options (Uri-Path) in order.
        Options = (options ?? []).OrderBy(o => o.Number).ToList();
        Payload = payload ?? [];
    }

    public CoapMessageType Type { get; }

    public CoapCode Code { get; }

    public ushort MessageId { get; }

    public byte[] Token { get; }

    /// <summary>In ascending option-number order; repeated options in the order received.</summary>
    public IReadOnlyList<CoapOption> Options { get; }

    public byte[] Payload { get; }

    /// <summary>The first option of <paramref name="number"/>, or null.</summary>
    public CoapOption? Find(int number) => Options.FirstOrDefault(o => o.Number == number);

    /// <summary>Every option of <paramref name="number"/> in order (Uri-Path segments, Uri-Query parameters).</summary>
    public IEnumerable<CoapOption> All(int number) => Options.Where(o => o.Number == number);

    /// <summary>Decodes one datagram; on failure returns false with the reason and whatever header fields could be read.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> datagram, [NotNullWhen(true)] out CoapMessage? message, [NotNullWhen(false)] out CoapFormatError? error)
    {
        message = null;
        if (datagram.Length < 4)
        {
            error = new CoapFormatError(CoapFormatErrorKind.Truncated, "shorter than the 4-byte CoAP header");
            return false;
        }

        var version = datagram[0] >> 6;
        var type = (CoapMessageType)((datagram[0] >> 4) & 0x3);
        var tokenLength = datagram[0] & 0x0F;
        var code = new CoapCode(datagram[1]);
        var messageId = BinaryPrimitives.ReadUInt16BigEndian(datagram[2..]);
        CoapFormatError Fail(CoapFormatErrorKind kind, string reason) => new(kind, reason, type, messageId);

        if (version != Version)
        {
            error = new CoapFormatError(CoapFormatErrorKind.UnknownVersion, $"CoAP version {version}; only 1 is defined (RFC 7252 §3)");
            return false;
        }

        if (datagram.Length > MaxMessageLength)
        {
            error = Fail(CoapFormatErrorKind.TooLarge, $"larger than {MaxMessageLength} bytes");
            return false;
        }

        if (tokenLength > MaxTokenLength)
        {
            error = Fail(CoapFormatErrorKind.ReservedTokenLength, $"token length {tokenLength} is reserved (RFC 7252 §3)");
            return false;
        }

        if (datagram.Length < 4 + tokenLength)
        {
            error = Fail(CoapFormatErrorKind.Truncated, "the token runs past the end of the message");
            return false;
        }

        var token = datagram.Slice(4, tokenLength).ToArray();
        var rest = datagram[(4 + tokenLength)..];
        var options = new List<CoapOption>();
        var number = 0;
        while (rest.Length > 0 && rest[0] != PayloadMarker)
        {
            if (options.Count == MaxOptions)
            {
                error = Fail(CoapFormatErrorKind.TooManyOptions, $"more than {MaxOptions} options");
                return false;
            }

            var deltaNibble = rest[0] >> 4;
            var lengthNibble = rest[0] & 0x0F;
            rest = rest[1..];
            if (ReadExtended(deltaNibble, ref rest, out var delta) is { } deltaProblem)
            {
                error = Fail(deltaProblem.Kind, "option delta: " + deltaProblem.Reason);
                return false;
            }

            if (ReadExtended(lengthNibble, ref rest, out var length) is { } lengthProblem)
            {
                error = Fail(lengthProblem.Kind, "option length: " + lengthProblem.Reason);
                return false;
            }

            number += delta;
            if (number > ushort.MaxValue)
            {
                error = Fail(CoapFormatErrorKind.OptionTooLarge, $"option number {number} is beyond 65535 (RFC 7252 §3.1)");
                return false;
            }

            if (length > MaxOptionValueLength)
            {
                error = Fail(CoapFormatErrorKind.OptionTooLarge, $"option {number} is {length} bytes; at most {MaxOptionValueLength} are taken");
                return false;
            }

            if (rest.Length < length)
            {
                error = Fail(CoapFormatErrorKind.Truncated, $"option {number} runs past the end of the message");
                return false;
            }

            options.Add(new CoapOption(number, rest[..length].ToArray()));
            rest = rest[length..];
        }

        byte[] payload = [];
        if (rest.Length > 0)
        {
            // rest[0] is the payload marker. RFC 7252 §3: a marker followed by a zero-length payload is a format error.
            if (rest.Length == 1)
            {
                error = Fail(CoapFormatErrorKind.EmptyPayloadAfterMarker, "a payload marker with no payload (RFC 7252 §3)");
                return false;
            }

            payload = rest[1..].ToArray();
        }

        if (code == CoapCode.Empty && (tokenLength != 0 || options.Count != 0 || payload.Length != 0))
        {
            error = Fail(CoapFormatErrorKind.NonEmptyEmptyMessage, "an Empty message must be only the 4-byte header (RFC 7252 §4.1)");
            return false;
        }

        message = new CoapMessage(type, code, messageId, token, options, payload);
        error = null;
        return true;
    }

    /// <summary>RFC 7252 §3.1: nibble 13 → one more byte + 13, 14 → two more bytes + 269, 15 → reserved.</summary>
    private static CoapFormatError? ReadExtended(int nibble, ref ReadOnlySpan<byte> rest, out int value)
    {
        value = nibble;
        switch (nibble)
        {
            case < 13:
                return null;
            case 13:
                if (rest.Length < 1)
                {
                    return new CoapFormatError(CoapFormatErrorKind.Truncated, "the extended byte is missing");
                }

                value = rest[0] + 13;
                rest = rest[1..];
                return null;
            case 14:
                if (rest.Length < 2)
                {
                    return new CoapFormatError(CoapFormatErrorKind.Truncated, "the extended bytes are missing");
                }

                value = BinaryPrimitives.ReadUInt16BigEndian(rest) + 269;
                rest = rest[2..];
                return null;
            default:
                return new CoapFormatError(CoapFormatErrorKind.ReservedOptionNibble, "nibble 15 is reserved for the payload marker (RFC 7252 §3.1)");
        }
    }

    /// <summary>The datagram bytes of this message.</summary>
    public byte[] Encode()
    {
        using var output = new MemoryStream(4 + Token.Length + Payload.Length + 16 * Options.Count);
        output.WriteByte((byte)((Version << 6) | ((int)Type << 4) | Token.Length));
        output.WriteByte(Code.Value);
        output.WriteByte((byte)(MessageId >> 8));
        output.WriteByte((byte)MessageId);
        output.Write(Token);
        var previous = 0;
        foreach (var option in Options)
        {
            var delta = option.Number - previous;
            previous = option.Number;
            var (deltaNibble, deltaExtended) = Nibble(delta);
            var (lengthNibble, lengthExtended) = Nibble(option.Value.Length);
            output.WriteByte((byte)((deltaNibble << 4) | lengthNibble));
            output.Write(deltaExtended);
            output.Write(lengthExtended);
            output.Write(option.Value);
        }

        if (Payload.Length > 0)
        {
            output.WriteByte(PayloadMarker);
            output.Write(Payload);
        }

        return output.ToArray();
    }

    private static (int Nibble, byte[] Extended) Nibble(int value) => value switch
    {
        < 13 => (value, []),
        < 269 => (13, [(byte)(value - 13)]),
        _ => (14, [(byte)((value - 269) >> 8), (byte)(value - 269)]),
    };

    public override string ToString() => $"{Type} {Code} mid={MessageId} token={Convert.ToHexString(Token)} options={Options.Count} payload={Payload.Length}";
}
