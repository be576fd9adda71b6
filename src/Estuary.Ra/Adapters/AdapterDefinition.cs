namespace Estuary.Ra;

/// <summary>
/// An adapter as an administrator writes it (configuration section Estuary:Adapters:NAME, console form,
/// REST API): how certificates of the templates that name it are issued. Today one kind besides the
/// built-in CA: <see cref="UpstreamEst"/>, which forwards the client's CSR to another EST server acting as
/// the CA (RFC 7030 §1: the EST server as a Registration Authority in front of a CA).
/// </summary>
public sealed class AdapterDefinition
{
    /// <summary>The kind of an adapter that forwards to an upstream EST server's /simpleenroll.</summary>
    public const string UpstreamEst = "upstream-est";

    public string Name { get; set; } = "";

    public string Kind { get; set; } = UpstreamEst;

    public string Description { get; set; } = "";

    /// <summary>The upstream EST server: https://host:port (or a URL ending in /.well-known/est).</summary>
    public string BaseUrl { get; set; } = "";

    /// <summary>The upstream's CA label (RFC 7030 §3.2.2), or empty for its label-less URLs.</summary>
    public string? Label { get; set; }

    /// <summary>PEM of the upstream's root CA (the explicit trust anchor of RFC 7030 §3.6.1).</summary>
    public string? TrustAnchorPem { get; set; }

    /// <summary>SHA-256 fingerprint of the upstream's root CA, for the bootstrap of RFC 7030 §4.1.1 when no PEM is given.</summary>
    public string? TrustAnchorFingerprint { get; set; }

    /// <summary>HTTP Basic user name the adapter sends upstream (RFC 7030 §3.2.3).</summary>
    public string? Username { get; set; }

    /// <summary>
    /// HTTP Basic password. Write-only: accepted from configuration, the console and the API, stored only as
    /// <see cref="ProtectedPassword"/>, never shown back. Empty on an edit keeps the saved one.
    /// </summary>
    public string? Password { get; set; }

    /// <summary>The password encrypted with the server's data-protection keys (storage only; never from a client).</summary>
    public string? ProtectedPassword { get; set; }

    /// <summary>PEM file of the RA's TLS client certificate for the upstream (RFC 7030 §3.3.2), with <see cref="ClientKeyPath"/>.</summary>
    public string? ClientCertificatePath { get; set; }

    /// <summary>PEM file of the client certificate's private key (unencrypted PKCS#8 or SEC1/PKCS#1).</summary>
    public string? ClientKeyPath { get; set; }

    /// <summary>Time allowed for one exchange with the upstream, 1 to 300 s.</summary>
    public int TimeoutSeconds { get; set; } = 30;

    /// <summary>How long the upstream's /cacerts answer is reused before it is fetched again, 1 to 1440 min.</summary>
    public int CaCertsRefreshMinutes { get; set; } = 60;

    /// <summary>True when a password is set (given now or saved before).</summary>
    public bool HasPassword => !string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(ProtectedPassword);

    /// <summary>True when the RA holds a TLS client certificate for the upstream.</summary>
    public bool HasClientCertificate => !string.IsNullOrWhiteSpace(ClientCertificatePath);
}
