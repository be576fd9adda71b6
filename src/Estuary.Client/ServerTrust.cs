using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>
/// Decides whether the TLS server is the EST server (RFC 7030 §3.6): against explicit trust anchors,
/// or the system store. It remembers what it saw so that a failed handshake can be explained.
/// </summary>
internal sealed class ServerTrust
{
    private readonly X509Certificate2Collection _anchors;
    private readonly bool _acceptAny;

    private ServerTrust(X509Certificate2Collection anchors, bool acceptAny)
    {
        _anchors = anchors;
        _acceptAny = acceptAny;
    }

    /// <summary>Trust the given anchors only (self-signed ones as roots, others as intermediates), or the system store when empty.</summary>
    public static ServerTrust Anchored(X509Certificate2Collection anchors) => new(anchors, acceptAny: false);

    /// <summary>Accept any server, for the one unauthenticated /cacerts of the bootstrap (RFC 7030 §4.1.1); the caller verifies afterwards.</summary>
    public static ServerTrust Bootstrap() => new([], acceptAny: true);

    public X509Certificate2? ServerCertificate { get; private set; }

    public List<X509Certificate2> PresentedChain { get; } = [];

    public SslPolicyErrors LastErrors { get; private set; }

    public string? ChainStatus { get; private set; }

    public void Configure(SocketsHttpHandler handler)
    {
        if (_anchors.Count > 0)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            var roots = _anchors.Where(CaCertificates.IsSelfSigned).ToList();
            if (roots.Count == 0)
            {
                // Only intermediates given: trust them directly as anchors.
                policy.CustomTrustStore.AddRange(_anchors);
            }
            else
            {
                policy.CustomTrustStore.AddRange(roots.ToArray());
                policy.ExtraStore.AddRange(_anchors.Where(a => !CaCertificates.IsSelfSigned(a)).ToArray());
            }

            handler.SslOptions.CertificateChainPolicy = policy;
        }

        handler.SslOptions.RemoteCertificateValidationCallback = Validate;
    }

    private bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        LastErrors = errors;
        ServerCertificate = certificate is null ? null : X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
        PresentedChain.Clear();
        if (chain is not null)
        {
            PresentedChain.AddRange(chain.ChainElements.Select(e => X509CertificateLoader.LoadCertificate(e.Certificate.RawData)));
            ChainStatus = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct());
        }

        return _acceptAny || errors == SslPolicyErrors.None;
    }

    /// <summary>Why the handshake was refused, in words.</summary>
    public string Explain()
    {
        if (LastErrors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            return "the server certificate does not name the host in the URL";
        }

        if (LastErrors.HasFlag(SslPolicyErrors.RemoteCertificateChainErrors))
        {
            var subject = ServerCertificate?.Subject ?? "(none)";
            var detail = string.IsNullOrEmpty(ChainStatus) ? "" : $" ({ChainStatus})";
            return $"the server certificate ({subject}) is not trusted{detail}";
        }

        if (LastErrors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            return "the server sent no certificate";
        }

        return "the TLS handshake failed";
    }
}
