namespace Estuary.Protocol.Coap;

/// <summary>One representation in a multipart-core body: its Content-Format and its bytes.</summary>
public sealed record MultipartCorePart(int ContentFormat, byte[] Payload);

/// <summary>
/// application/multipart-core (RFC 8710 §2): a CBOR array of alternating Content-Format (unsigned integer) and
/// representation (byte string) items. Only that subset of CBOR (RFC 8949 §3: major types 0, 2 and 4, definite
/// lengths) is written and read; anything else is refused.
/// </summary>
public static class MultipartCore
{
    /// <summary>Parts a body may hold when read (EST-coaps bodies have two).</summary>
    public const int MaxParts = 16;

    public static byte[] Encode(IReadOnlyList<MultipartCorePart> parts)
    {
        using var output = new MemoryStream();
        WriteHead(output, 4, (ulong)parts.Count * 2);
        foreach (var part in parts)
        {
            if (part.ContentFormat is < 0 or > ushort.MaxValue)
            {
                throw new ArgumentException($"Content-Format {part.ContentFormat} is not 0–65535 (RFC 7252 §12.3)", nameof(parts));
            }

            WriteHead(output, 0, (ulong)part.ContentFormat);
            WriteHead(output, 2, (ulong)part.Payload.Length);
            output.Write(part.Payload);
        }

        return output.ToArray();
    }

    /// <exception cref="EstProtocolException">Not a multipart-core body within the limits.</exception>
    public static IReadOnlyList<MultipartCorePart> Decode(ReadOnlySpan<byte> body)
    {
        var position = 0;
        var items = ReadHead(body, ref position, 4);
        if (items % 2 != 0 || items / 2 > MaxParts)
        {
            throw new EstProtocolException($"multipart-core holds pairs of Content-Format and representation, at most {MaxParts} (RFC 8710 §2); this array has {items} items");
        }

        var parts = new List<MultipartCorePart>();
        for (var i = 0UL; i < items / 2; i++)
        {
            var format = ReadHead(body, ref position, 0);
            if (format > ushort.MaxValue)
            {
                throw new EstProtocolException($"Content-Format {format} is beyond 65535");
            }

            var length = ReadHead(body, ref position, 2);
            if (length > (ulong)(body.Length - position))
            {
                throw new EstProtocolException("a multipart-core representation runs past the end of the body");
            }

            parts.Add(new MultipartCorePart((int)format, body.Slice(position, (int)length).ToArray()));
            position += (int)length;
        }

        return position == body.Length ? parts : throw new EstProtocolException("trailing bytes after the multipart-core array");
    }

    // RFC 8949 §3.1: major type in the top 3 bits; argument < 24 inline, 24/25/26/27 → 1/2/4/8 following bytes.
    private static void WriteHead(MemoryStream output, int major, ulong argument)
    {
        var type = (byte)(major << 5);
        switch (argument)
        {
            case < 24:
                output.WriteByte((byte)(type | (byte)argument));
                break;
            case <= byte.MaxValue:
                output.WriteByte((byte)(type | 24));
                output.WriteByte((byte)argument);
                break;
            case <= ushort.MaxValue:
                output.WriteByte((byte)(type | 25));
                output.WriteByte((byte)(argument >> 8));
                output.WriteByte((byte)argument);
                break;
            default:
                output.WriteByte((byte)(type | 26));
                for (var shift = 24; shift >= 0; shift -= 8)
                {
                    output.WriteByte((byte)(argument >> shift));
                }

                break;
        }
    }

    private static ulong ReadHead(ReadOnlySpan<byte> body, ref int position, int expectedMajor)
    {
        if (position >= body.Length)
        {
            throw new EstProtocolException("the multipart-core body ends early");
        }

        var initial = body[position++];
        if (initial >> 5 != expectedMajor)
        {
            throw new EstProtocolException($"expected CBOR major type {expectedMajor}, found {initial >> 5} (RFC 8710 §2)");
        }

        var info = initial & 0x1F;
        if (info < 24)
        {
            return (ulong)info;
        }

        var size = info switch { 24 => 1, 25 => 2, 26 => 4, 27 => 8, _ => -1 };
        if (size < 0)
        {
            throw new EstProtocolException("indefinite or reserved CBOR lengths are not multipart-core (RFC 8949 §3.2)");
        }

        if (body.Length - position < size)
        {
            throw new EstProtocolException("the multipart-core body ends inside a CBOR length");
        }

        ulong value = 0;
        for (var i = 0; i < size; i++)
        {
            value = (value << 8) | body[position++];
        }

        return value;
    }
}
