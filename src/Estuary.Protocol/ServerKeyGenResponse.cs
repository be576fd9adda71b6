using System.Security.Cryptography;
using System.Text;

namespace Estuary.Protocol;

/// <summary>
/// The serverkeygen response body (RFC 7030 §4.4.2 as clarified by RFC 8951 §3.2): a multipart/mixed
/// message (RFC 2046 §5.1.3) with the private key part first and the certs-only part second, each part's
/// body base64. The body ends exactly with the close delimiter and CRLF — Bouncy Castle 1.72 fails when
/// a longer epilogue follows — and is built whole so that it goes out with Content-Length in one write.
/// </summary>
public sealed class ServerKeyGenResponse
{
    private ServerKeyGenResponse(string boundary, byte[] body)
    {
        Boundary = boundary;
        Body = body;
    }

    public string Boundary { get; }

    /// <summary>The Content-Type header of the whole response.</summary>
    public string ContentType => $"{EstMediaTypes.MultipartMixed}; boundary={Boundary}";

    public byte[] Body { get; }

    /// <param name="keyContentType">
    /// <see cref="EstMediaTypes.Pkcs8"/> for a PKCS#8 PrivateKeyInfo, or <see cref="EstMediaTypes.ServerGeneratedKey"/>
    /// for a CMS message that encrypts it (RFC 7030 §4.4.2).
    /// </param>
    /// <param name="key">DER of the key part.</param>
    /// <param name="certsOnly">DER of the certs-only CMS with the issued certificate.</param>
    /// <param name="layout">Base64 layout inside each part.</param>
    public static ServerKeyGenResponse Encode(string keyContentType, ReadOnlySpan<byte> key, ReadOnlySpan<byte> certsOnly, Base64Layout layout)
    {
        // A random token cannot occur in base64 text (it holds '-'), so no part can contain the delimiter.
        var boundary = "estuary-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        using var body = new MemoryStream();
        WritePart(body, boundary, keyContentType, key, layout);
        WritePart(body, boundary, EstMediaTypes.CertsOnly, certsOnly, layout);
        WriteAscii(body, $"--{boundary}--\r\n");
        var bytes = body.ToArray();
        CryptographicOperations.ZeroMemory(body.GetBuffer());
        return new ServerKeyGenResponse(boundary, bytes);
    }

    private static void WritePart(MemoryStream body, string boundary, string contentType, ReadOnlySpan<byte> der, Base64Layout layout)
    {
        WriteAscii(body, $"--{boundary}\r\nContent-Type: {contentType}\r\nContent-Transfer-Encoding: base64\r\n\r\n");
        var encoded = EstBase64.Encode(der, layout);
        var text = encoded.AsSpan();
        // EstBase64 ends the text with LF; the CRLF before the next delimiter belongs to the delimiter (RFC 2046 §5.1.1).
        if (text.Length > 0 && text[^1] == (byte)'\n')
        {
            text = text[..^1];
        }

        body.Write(text);
        CryptographicOperations.ZeroMemory(encoded); // the key part is a secret; do not leave copies around
        WriteAscii(body, "\r\n");
    }

    private static void WriteAscii(MemoryStream body, string text) => body.Write(Encoding.ASCII.GetBytes(text));
}
