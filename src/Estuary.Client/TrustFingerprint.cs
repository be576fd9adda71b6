using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>SHA-256 certificate fingerprints as people exchange them out of band (RFC 7030 §4.1.1).</summary>
public static class TrustFingerprint
{
    /// <summary>Upper-case hex with colons, as openssl x509 -fingerprint -sha256 prints it.</summary>
    public static string Of(X509Certificate2 certificate) =>
        string.Join(':', SHA256.HashData(certificate.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));

    /// <summary>Normalises a user-given fingerprint: hex digits only, upper case; an optional "sha256:"/"SHA256=" prefix is dropped.</summary>
    /// <exception cref="ArgumentException">Not 64 hex digits.</exception>
    public static string Normalize(string fingerprint)
    {
        var text = fingerprint.Trim();
        var prefix = text.IndexOfAny([':', '=']);
        if (prefix > 0 && text[..prefix].Equals("sha256", StringComparison.OrdinalIgnoreCase))
        {
            text = text[(prefix + 1)..];
        }

        var hex = new string(text.Where(c => c is not (':' or ' ' or '-')).ToArray()).ToUpperInvariant();
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException("a SHA-256 fingerprint is 64 hexadecimal digits (colons allowed), e.g. the output of `openssl x509 -noout -fingerprint -sha256`", nameof(fingerprint));
        }

        return hex;
    }

    public static bool Matches(X509Certificate2 certificate, string fingerprint) =>
        Normalize(Of(certificate)) == Normalize(fingerprint);
}
