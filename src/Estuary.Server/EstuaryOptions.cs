using Estuary.Protocol;
using Estuary.Server.Coaps;

namespace Estuary.Server;

/// <summary>Server configuration (section "Estuary"; environment variables Estuary__Name; flags of `estuary serve`).</summary>
public sealed class EstuaryOptions
{
    /// <summary>Folder for the CA, the TLS identity, the database and the initial credentials.</summary>
    public string DataDir { get; set; } = "estuary-data";

    /// <summary>Where to listen: https://HOST:PORT with an IP address, localhost, or * for all interfaces.</summary>
    public string Listen { get; set; } = "https://127.0.0.1:8443";

    /// <summary>Request bodies above this many bytes get 413 (RFC 7030 bodies are a few KiB).</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Layout of base64 response bodies: "auto" (by client, see docs/INTEROP.md), "wrapped" (64 columns) or
    /// "single-line". RFC 8951 allows both; strongSwan 5.9.8 and libest 3.2.0 each read only one.
    /// </summary>
    public string Base64Layout { get; set; } = "auto";

    /// <summary>The realm of the HTTP Basic challenge.</summary>
    public string Realm { get; set; } = "estuary";

    /// <summary>
    /// The base URL relying parties reach this server at, for the CRL distribution point and OCSP URL put in
    /// every issued certificate (e.g. http://pki.example.com). Default: the HttpListen URL if set, else the listen URL.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Optional plain-HTTP listener (http://HOST:PORT) that serves only /crl/ and /ocsp; off by default.</summary>
    public string? HttpListen { get; set; }

    /// <summary>EST over CoAP and DTLS (RFC 9148, docs/COAPS.md); off unless Coaps:Listen is set.</summary>
    public CoapsOptions Coaps { get; set; } = new();

    /// <summary>
    /// TLS cipher suites: "aead" (default: ECDHE with AES-GCM or ChaCha20-Poly1305 only, see TlsPolicy) or
    /// "runtime" (the .NET runtime's own list, which on TLS 1.2 also allows ECDHE with AES-CBC-SHA256/384,
    /// still forward secret). .NET caches the OpenSSL context, and with it server-side session resumption,
    /// only when no cipher policy is set, so "runtime" makes each new TLS connection cheaper
    /// (docs/BENCHMARKS.md has the measured difference).
    /// </summary>
    public string TlsCipherSuites { get; set; } = "aead";

    internal bool RestrictCipherSuites => TlsCipherSuites.ToUpperInvariant() switch
    {
        "AEAD" => true,
        "RUNTIME" => false,
        _ => throw new ArgumentException($"Estuary:TlsCipherSuites '{TlsCipherSuites}' must be aead or runtime"),
    };

    internal Base64Layout? FixedLayout => Base64Layout.ToUpperInvariant() switch
    {
        "AUTO" => null,
        "WRAPPED" or "WRAPPED64" => Protocol.Base64Layout.Wrapped64,
        "SINGLE-LINE" or "SINGLELINE" => Protocol.Base64Layout.SingleLine,
        _ => throw new ArgumentException($"Estuary:Base64Layout '{Base64Layout}' must be auto, wrapped or single-line"),
    };
}
