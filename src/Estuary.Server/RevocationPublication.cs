using Estuary.Ca;
using Estuary.Ra;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Estuary.Server;

/// <summary>
/// Where relying parties fetch the CRL and ask OCSP (the EST listener, or the plain-HTTP one that may serve them).
/// The URLs go into every issued certificate, so they are fixed once the listening ports are known.
/// </summary>
public static class RevocationPublication
{
    public const string OcspPath = "/ocsp";

    /// <summary>Base URL for CRL/OCSP: Estuary:PublicBaseUrl, else the plain-HTTP listener, else the HTTPS listener.</summary>
    public static Uri BaseUrl(EstuaryOptions options, Uri httpsAddress, Uri? httpAddress)
    {
        if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl))
        {
            return new Uri(options.PublicBaseUrl.TrimEnd('/') + "/");
        }

        return new Uri((httpAddress ?? httpsAddress).GetLeftPart(UriPartial.Authority) + "/");
    }

    /// <summary>
    /// Puts the CRL distribution point and OCSP URL into every certificate <paramref name="ca"/> issues from now on.
    /// The CRL URL names the issuing CA's key (BASE/crl/{KEY-ID}.crl), so that a certificate still finds its
    /// issuer's CRL after the issuing CA is renewed (BASE/crl/issuing.crl is always the current CA's).
    /// </summary>
    public static void Apply(CertificateAuthority ca, Uri baseUrl) =>
        ca.DistributionExtensionsFor = keyIdentifier => DistributionExtensions.Create(
            new Uri(baseUrl, IssuerCrlEndpoints.PathFor(keyIdentifier).TrimStart('/')),
            new Uri(baseUrl, OcspPath.TrimStart('/')));

    /// <summary>Once Kestrel has bound its ports: fixes the URLs and puts them into the issuing CA.</summary>
    public static void OnStarted(IServiceProvider services, Uri httpsAddress, Uri? plain)
    {
        var options = services.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var baseUrl = BaseUrl(options, httpsAddress, plain);
        var urls = services.GetRequiredService<RevocationUrls>();
        urls.PlainHttp = plain;
        urls.Crl = new Uri(baseUrl, RevocationEndpoints.CrlPath.TrimStart('/'));
        urls.Ocsp = new Uri(baseUrl, OcspPath.TrimStart('/'));
        Apply(services.GetRequiredService<CertificateAuthority>(), baseUrl);
        foreach (var further in services.GetService<IssuerHierarchies>()?.Further ?? [])
        {
            Apply(further, baseUrl); // each hierarchy's certificates name their own issuer's CRL (by key id) and the one OCSP URL
        }

        _ = services.GetRequiredService<OcspService>(); // creates or renews the OCSP responder certificate now, not on the first request
    }
}
