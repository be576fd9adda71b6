using System.Net;
using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Estuary.Server;

/// <summary>
/// Where relying parties fetch the CRL and ask OCSP, and the plain-HTTP listener that may serve them.
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
    public static void OnStarted(IServiceProvider services, IEnumerable<string> addresses, Uri httpsAddress)
    {
        var options = services.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var plain = addresses.FirstOrDefault(a => a.StartsWith("http:", StringComparison.Ordinal)) is { } a
            ? new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal))
            : null;
        var baseUrl = BaseUrl(options, httpsAddress, plain);
        var urls = services.GetRequiredService<RevocationUrls>();
        urls.PlainHttp = plain;
        urls.Crl = new Uri(baseUrl, RevocationEndpoints.CrlPath.TrimStart('/'));
        urls.Ocsp = new Uri(baseUrl, OcspPath.TrimStart('/'));
        Apply(services.GetRequiredService<CertificateAuthority>(), baseUrl);
        _ = services.GetRequiredService<OcspService>(); // creates or renews the OCSP responder certificate now, not on the first request
    }

    /// <summary>Adds the plain-HTTP listener of Estuary:HttpListen (http://HOST:PORT).</summary>
    public static void ListenPlainHttp(KestrelServerOptions kestrel, string httpListen)
    {
        var uri = new Uri(httpListen.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        if (uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Estuary:HttpListen '{httpListen}' must be an http:// URL");
        }

        void Http1(ListenOptions listen) => listen.Protocols = HttpProtocols.Http1;
        if (uri.Host is "localhost")
        {
            kestrel.ListenLocalhost(uri.Port, Http1);
        }
        else if (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            kestrel.Listen(ip, uri.Port, Http1);
        }
        else
        {
            throw new ArgumentException($"Estuary:HttpListen host '{uri.Host}' must be an IP address, localhost or *");
        }
    }
}
