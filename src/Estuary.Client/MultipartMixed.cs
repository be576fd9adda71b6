using System.Text;
using Estuary.Protocol;

namespace Estuary.Client;

/// <summary>
/// A tolerant reader of the multipart/mixed body of serverkeygen (RFC 7030 §4.4.2, RFC 2046 §5.1.1).
/// Accepts what real servers send: a quoted or unquoted boundary, CRLF or LF line ends, no preamble,
/// an epilogue (stock libest adds an extra CRLF), and part bodies whose last line break is missing.
/// </summary>
public static class MultipartMixed
{
    /// <summary>One body part: its headers (names lower-cased) and its content bytes.</summary>
    public sealed record Part(IReadOnlyDictionary<string, string> Headers, byte[] Content)
    {
        public string? ContentType => Headers.GetValueOrDefault("content-type");
    }

    /// <exception cref="EstProtocolException">No boundary, or no part.</exception>
    public static IReadOnlyList<Part> Parse(string? contentType, ReadOnlySpan<byte> body)
    {
        var boundary = EstMediaTypes.Parameter(contentType, "boundary");
        if (string.IsNullOrEmpty(boundary))
        {
            throw new EstProtocolException("the multipart/mixed answer names no boundary (RFC 2046 §5.1.1)");
        }

        // Latin-1 keeps one char per byte, so offsets in the text are offsets in the body.
        var text = Encoding.Latin1.GetString(body);
        var delimiter = "--" + boundary;
        var parts = new List<Part>();
        var position = text.IndexOf(delimiter, StringComparison.Ordinal);
        while (position >= 0)
        {
            var afterDelimiter = position + delimiter.Length;
            if (string.CompareOrdinal(text, afterDelimiter, "--", 0, 2) == 0)
            {
                break; // close delimiter: what follows is the epilogue
            }

            var lineEnd = text.IndexOf('\n', afterDelimiter);
            if (lineEnd < 0)
            {
                break;
            }

            var next = text.IndexOf("\n" + delimiter, lineEnd, StringComparison.Ordinal);
            var end = next < 0 ? text.Length : next;
            parts.Add(ReadPart(text, lineEnd + 1, end));
            position = next < 0 ? -1 : next + 1;
        }

        if (parts.Count == 0)
        {
            throw new EstProtocolException("the multipart/mixed answer holds no body part");
        }

        return parts;
    }

    private static Part ReadPart(string text, int start, int end)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        var i = start;
        while (i < end)
        {
            var eol = text.IndexOf('\n', i, end - i);
            if (eol < 0)
            {
                eol = end;
            }

            var line = text[i..eol].TrimEnd('\r');
            i = eol + 1;
            if (line.Length == 0)
            {
                break; // the empty line that ends the part headers
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0)
            {
                headers[line[..colon].Trim().ToLowerInvariant()] = line[(colon + 1)..].Trim();
            }
        }

        var content = i < end ? text[i..end] : "";
        // The CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        content = content.TrimEnd('\r', '\n');
        return new Part(headers, Encoding.Latin1.GetBytes(content));
    }
}
