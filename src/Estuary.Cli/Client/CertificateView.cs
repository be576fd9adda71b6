using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>How certificates are shown: a table for people, a list of objects for JSON.</summary>
internal static class CertificateView
{
    public static object ToJson(X509Certificate2 c) => new
    {
        subject = c.Subject,
        issuer = c.Issuer,
        serial = c.SerialNumber,
        sha256 = TrustFingerprint.Of(c),
        notBefore = c.NotBefore.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
        notAfter = c.NotAfter.ToUniversalTime().ToString("o", CultureInfo.InvariantCulture),
    };

    /// <summary>
    /// One block per certificate, each line within <see cref="ClientConsole.Width"/> columns: a 95-character
    /// colon-separated fingerprint cannot share a table row in 80 columns, so the fingerprint is printed as 64
    /// hex digits, which --trust-fingerprint accepts as they are.
    /// </summary>
    public static IEnumerable<string> ToLines(IEnumerable<X509Certificate2> certificates)
    {
        foreach (var c in certificates)
        {
            yield return c.Subject;
            yield return "  issuer   " + c.Issuer;
            yield return "  SHA-256  " + TrustFingerprint.Normalize(TrustFingerprint.Of(c));
            yield return "  expires  " + c.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";
        }
    }

    /// <summary>CA certificates ordered for a chain file: issuing CAs first, the root(s) last.</summary>
    public static List<X509Certificate2> ChainOrder(IEnumerable<X509Certificate2> certificates) =>
        certificates.OrderBy(c => CaCertificates.IsSelfSigned(c) ? 1 : 0).ToList();
}
