using System.Collections.Concurrent;
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
    /// issuer's CRL after the issuing CA is renewed (BASE/crl/issuing.crl is always the current CA's). With
    /// <paramref name="partitions"/> above zero it names the partition CRL its serial falls in instead
    /// (BASE/crl/{KEY-ID}/p{count}-{index}.crl, RFC 5280 §5.2.5; the partition's issuingDistributionPoint names the same URL).
    /// </summary>
    public static void Apply(CertificateAuthority ca, Uri baseUrl, int partitions = 0)
    {
        var ocsp = new Uri(baseUrl, OcspPath.TrimStart('/'));
        // One list per issuer and partition (at most 256 per issuer), built once, not per certificate.
        var built = new ConcurrentDictionary<(string KeyIdentifier, int Index), IReadOnlyList<CertificateExtension>>();
        ca.DistributionPointsFor = (keyIdentifier, serial) =>
        {
            var index = partitions == 0 ? -1 : CrlPartition.IndexOf(serial, partitions);
            return built.GetOrAdd((keyIdentifier, index), key => DistributionExtensions.Create(
                key.Index < 0 ? new Uri(baseUrl, IssuerCrlEndpoints.PathFor(key.KeyIdentifier).TrimStart('/')) : PartitionUrl(baseUrl, key.KeyIdentifier, partitions, key.Index),
                ocsp));
        };
    }

    /// <summary>BASE/crl/{KEY-ID}/p{count}-{index}.crl: in the certificates' distribution point and the partition CRL's issuingDistributionPoint alike.</summary>
    public static Uri PartitionUrl(Uri baseUrl, string keyIdentifierHex, int count, int index) =>
        new(baseUrl, IssuerCrlEndpoints.PartitionPathFor(keyIdentifierHex, count, index).TrimStart('/'));

    /// <summary>Once Kestrel has bound its ports: fixes the URLs and puts them into the issuing CA.</summary>
    public static void OnStarted(IServiceProvider services, Uri httpsAddress, Uri? plain)
    {
        var options = services.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var baseUrl = BaseUrl(options, httpsAddress, plain);
        var urls = services.GetRequiredService<RevocationUrls>();
        urls.PlainHttp = plain;
        urls.Base = baseUrl;
        urls.Crl = new Uri(baseUrl, RevocationEndpoints.CrlPath.TrimStart('/'));
        urls.Ocsp = new Uri(baseUrl, OcspPath.TrimStart('/'));
        var partitions = services.GetRequiredService<RevocationOptions>().CrlPartitions;
        Apply(services.GetRequiredService<CertificateAuthority>(), baseUrl, partitions);
        foreach (var further in services.GetService<IssuerHierarchies>()?.Further ?? [])
        {
            Apply(further, baseUrl, partitions); // each hierarchy's certificates name their own issuer's CRL (by key id) and the one OCSP URL
        }

        _ = services.GetRequiredService<OcspService>(); // creates or renews the OCSP responder certificate now, not on the first request
    }
}
