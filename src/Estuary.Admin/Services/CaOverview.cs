using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Ca;

namespace Estuary.Admin;

/// <summary>The CA chain as the console and API show it, and certificate downloads with their chain.</summary>
public static class CaOverview
{
    public static IReadOnlyList<CaCertificateSummary> Describe(CaMaterial material)
    {
        var list = new List<CaCertificateSummary> { CaCertificateSummary.From("issuing CA", material.Issuing.Certificate) };
        foreach (var c in material.Issuing.Chain)
        {
            list.Add(CaCertificateSummary.From(c.Subject == c.Issuer ? "root CA (trust anchor)" : "intermediate CA", c));
        }

        list.Add(CaCertificateSummary.From("TLS server", material.TlsCertificate));
        return list;
    }

    /// <summary>The certificate in PEM followed by the issuing CA and the root: what a device installs.</summary>
    public static string ChainPem(byte[] der, CaMaterial material)
    {
        var pem = new StringBuilder(PemEncoding.WriteString("CERTIFICATE", der)).Append('\n');
        pem.Append(material.Issuing.Certificate.ExportCertificatePem()).Append('\n');
        foreach (var c in material.Issuing.Chain)
        {
            pem.Append(c.ExportCertificatePem()).Append('\n');
        }

        return pem.ToString();
    }

    public static string Pem(byte[] der) => PemEncoding.WriteString("CERTIFICATE", der) + "\n";
}
