using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;

namespace Estuary.Ca;

/// <summary>
/// The extensions that tell a relying party where to check revocation: cRLDistributionPoints
/// (RFC 5280 §4.2.1.13) and authorityInfoAccess with id-ad-ocsp (RFC 5280 §4.2.2.1, RFC 6960 §3.1).
/// </summary>
public static class DistributionExtensions
{
    public static IReadOnlyList<CertificateExtension> Create(Uri? crlUrl, Uri? ocspUrl)
    {
        var list = new List<CertificateExtension>(2);
        if (crlUrl is not null)
        {
            var crlDp = CertificateRevocationListBuilder.BuildCrlDistributionPointExtension([crlUrl.AbsoluteUri], critical: false);
            list.Add(new CertificateExtension(Oids.CrlDistributionPoints, false, crlDp.RawData));
        }

        if (ocspUrl is not null)
        {
            var aia = new X509AuthorityInformationAccessExtension([ocspUrl.AbsoluteUri], null, critical: false);
            list.Add(new CertificateExtension(Oids.AuthorityInfoAccess, false, aia.RawData));
        }

        return list;
    }
}
