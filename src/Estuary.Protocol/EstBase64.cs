using System.Buffers;
using System.Buffers.Text;

namespace Estuary.Protocol;

/// <summary>
/// The base64 transfer encoding of every EST body (RFC 7030 §4, as restated by RFC 8951 §3):
/// liberal in what it reads (line breaks of any kind, trailing white space, a stray PEM armour),
/// strict in what it writes.
/// </summary>
public static class EstBase64
{
    /// <summary>
    /// Decodes a base64 body. White space anywhere and lines starting with "-----" (PEM armour that
    /// some clients wrap around a CSR) are skipped; anything else that is not base64 is an error.
    /// </summary>
    /// <exception cref="EstProtocolException">The body is empty or not base64.</exception>
    public static byte[] Decode(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            throw new EstProtocolException("the request body is empty; expected base64-encoded DER (RFC 8951 section 3)");
        }

        // Fast path: the common layouts (one line, or lines separated by LF/CRLF) decode without a copy
        // of the text, because Base64.DecodeFromUtf8 rejects white space, so strip it first into a pooled buffer.
        var rented = ArrayPool<byte>.Shared.Rent(body.Length);
        try
        {
            var length = Compact(body, rented);
            if (length == 0)
            {
                throw new EstProtocolException("the request body holds no base64 data");
            }

            var text = rented.AsSpan(0, length);
            var output = new byte[Base64.GetMaxDecodedFromUtf8Length(length)];
            var status = Base64.DecodeFromUtf8(text, output, out var consumed, out var written);
            if (status != OperationStatus.Done || consumed != length)
            {
                throw new EstProtocolException("the body is not valid base64 (RFC 8951 section 3 requires base64-encoded DER)");
            }

            return written == output.Length ? output : output.AsSpan(0, written).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Copies the base64 characters of <paramref name="body"/>, dropping white space and PEM armour lines.</summary>
    private static int Compact(ReadOnlySpan<byte> body, byte[] destination)
    {
        var n = 0;
        var atLineStart = true;
        for (var i = 0; i < body.Length; i++)
        {
            var c = body[i];
            if (atLineStart && c == (byte)'-' && i + 4 < body.Length && body.Slice(i, 5).SequenceEqual("-----"u8))
            {
                // A PEM boundary line such as "-----BEGIN CERTIFICATE REQUEST-----": skip to its end.
                var eol = body[i..].IndexOf((byte)'\n');
                if (eol < 0)
                {
                    break;
                }

                i += eol;
                atLineStart = true;
                continue;
            }

            switch (c)
            {
                case (byte)'\n':
                    atLineStart = true;
                    continue;
                case (byte)'\r' or (byte)' ' or (byte)'\t':
                    continue;
                default:
                    atLineStart = false;
                    destination[n++] = c;
                    break;
            }
        }

        return n;
    }

    /// <summary>Encodes DER for an EST response body in the given layout, always ending with LF.</summary>
    public static byte[] Encode(ReadOnlySpan<byte> der, Base64Layout layout)
    {
        var encodedLength = Base64.GetMaxEncodedToUtf8Length(der.Length);
        if (layout == Base64Layout.SingleLine)
        {
            var single = new byte[encodedLength + 1];
            Base64.EncodeToUtf8(der, single, out _, out var written);
            single[written] = (byte)'\n';
            return single;
        }

        var lines = (encodedLength + 63) / 64;
        var buffer = new byte[encodedLength + lines];
        var flat = ArrayPool<byte>.Shared.Rent(encodedLength);
        try
        {
            Base64.EncodeToUtf8(der, flat, out _, out var written);
            var o = 0;
            for (var i = 0; i < written; i += 64)
            {
                var take = Math.Min(64, written - i);
                flat.AsSpan(i, take).CopyTo(buffer.AsSpan(o));
                o += take;
                buffer[o++] = (byte)'\n';
            }

            return o == buffer.Length ? buffer : buffer.AsSpan(0, o).ToArray();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(flat);
        }
    }

    /// <summary>True when a base64 body was sent on more than one line (used to answer in the client's own layout).</summary>
    public static bool IsWrapped(ReadOnlySpan<byte> body)
    {
        var trimmed = body.TrimEnd("\r\n \t"u8);
        return trimmed.IndexOf((byte)'\n') >= 0;
    }
}
