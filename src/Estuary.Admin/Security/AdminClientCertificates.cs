using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Admin;

/// <summary>
/// The TLS client certificates an administrator registered (Estuary:Admin:ClientCertificateFingerprints) for
/// the REST API. Matching is on the SHA-256 of the whole DER certificate, never on its subject: any EST
/// client can ask this CA for a subject, none can reproduce a registered certificate (it names the key, and
/// TLS has proven possession of that key in the handshake).
/// </summary>
internal sealed class AdminClientCertificates
{
    private readonly byte[][] _fingerprints;

    /// <exception cref="ArgumentException">A configured fingerprint is not 64 hexadecimal digits.</exception>
    public AdminClientCertificates(IEnumerable<string> configured)
    {
        _fingerprints = configured.Select((text, i) => Parse(text, i)).ToArray();
    }

    public int Count => _fingerprints.Length;

    /// <summary>The fingerprint as the configuration takes it (upper-case hex, no separators).</summary>
    public static string Fingerprint(X509Certificate2 certificate) => Convert.ToHexString(SHA256.HashData(certificate.RawData));

    /// <summary>Whether this certificate is registered; compares with every entry in constant time.</summary>
    public bool IsRegistered(X509Certificate2 certificate)
    {
        var presented = SHA256.HashData(certificate.RawData);
        var found = false;
        foreach (var registered in _fingerprints)
        {
            found |= CryptographicOperations.FixedTimeEquals(registered, presented);
        }

        return found;
    }

    private static byte[] Parse(string text, int index)
    {
        var hex = new string(text.Where(c => c is not (':' or ' ' or '\t')).ToArray());
        if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"Estuary:Admin:ClientCertificateFingerprints:{index} must be a SHA-256 fingerprint: 64 hexadecimal digits (colons and spaces allowed)");
        }

        return Convert.FromHexString(hex);
    }
}
