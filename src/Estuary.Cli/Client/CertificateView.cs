using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;
using Spectre.Console;

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

    public static Table ToTable(IEnumerable<X509Certificate2> certificates)
    {
        var table = new Table().AddColumns("Subject", "Issuer", "SHA-256 fingerprint", "Expires (UTC)");
        foreach (var c in certificates)
        {
            table.AddRow(
                ClientConsole.Escape(c.Subject),
                ClientConsole.Escape(c.Issuer),
                TrustFingerprint.Of(c),
                c.NotAfter.ToUniversalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture));
        }

        return table;
    }

    /// <summary>CA certificates ordered for a chain file: issuing CAs first, the root(s) last.</summary>
    public static List<X509Certificate2> ChainOrder(IEnumerable<X509Certificate2> certificates) =>
        certificates.OrderBy(c => CaCertificates.IsSelfSigned(c) ? 1 : 0).ToList();
}
