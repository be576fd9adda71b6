namespace Estuary.Protocol;

/// <summary>Media types of RFC 7030 §3.2.4 and §4, compared by type/subtype only (parameters vary between peers).</summary>
public static class EstMediaTypes
{
    public const string Pkcs10 = "application/pkcs10";
    public const string Pkcs7Mime = "application/pkcs7-mime";
    public const string CertsOnly = "application/pkcs7-mime; smime-type=certs-only";
    public const string CmcRequest = "application/pkcs7-mime; smime-type=CMC-request";
    public const string CmcResponse = "application/pkcs7-mime; smime-type=CMC-response";
    public const string CsrAttrs = "application/csrattrs";
    public const string Pkcs8 = "application/pkcs8";
    public const string MultipartMixed = "multipart/mixed";
    public const string ServerGeneratedKey = "application/pkcs7-mime; smime-type=server-generated-key";

    /// <summary>
    /// True when <paramref name="contentType"/> names <paramref name="expected"/>'s type/subtype,
    /// whatever parameters follow (RFC 8951 §3: peers disagree on smime-type; compare the media type).
    /// </summary>
    public static bool Matches(string? contentType, string expected)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return false;
        }

        var mediaType = MediaTypeOf(contentType);
        var expectedType = MediaTypeOf(expected);
        return mediaType.Equals(expectedType, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The type/subtype part of a Content-Type header, trimmed.</summary>
    public static ReadOnlySpan<char> MediaTypeOf(string contentType)
    {
        var span = contentType.AsSpan();
        var semicolon = span.IndexOf(';');
        if (semicolon >= 0)
        {
            span = span[..semicolon];
        }

        return span.Trim();
    }

    /// <summary>The value of a media-type parameter such as smime-type or boundary, unquoted; null when absent.</summary>
    public static string? Parameter(string? contentType, string name)
    {
        if (string.IsNullOrEmpty(contentType))
        {
            return null;
        }

        foreach (var part in contentType.Split(';').Skip(1))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                continue;
            }

            if (part[..eq].Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return part[(eq + 1)..].Trim().Trim('"');
            }
        }

        return null;
    }
}
