using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>How an <see cref="EstClient"/> reaches and authenticates to an EST server.</summary>
public sealed class EstClientOptions
{
    /// <summary>
    /// The server: https://host:port (then /.well-known/est is appended, RFC 7030 §3.2.2) or a URL that
    /// already ends in /.well-known/est.
    /// </summary>
    public required Uri Server { get; init; }

    /// <summary>The CA label (RFC 7030 §3.2.2, the optional path segment after /.well-known/est), or null.</summary>
    public string? Label { get; init; }

    /// <summary>
    /// Explicit trust anchors (the Implicit TA database of RFC 7030 §3.6.1). When empty and no
    /// <see cref="TrustFingerprint"/> is given, the operating system's trust store is used.
    /// </summary>
    public X509Certificate2Collection TrustAnchors { get; init; } = [];

    /// <summary>
    /// SHA-256 fingerprint (hex, colons optional) of the root CA that the user expects: enables the bootstrap
    /// of RFC 7030 §4.1.1 when <see cref="TrustAnchors"/> is empty.
    /// </summary>
    public string? TrustFingerprint { get; init; }

    public string? Username { get; init; }

    public string? Password { get; init; }

    /// <summary>Send HTTP Basic with the first request instead of waiting for the 401 challenge.</summary>
    public bool SendCredentialsUpFront { get; init; }

    /// <summary>TLS client certificate with its private key (RFC 7030 §3.3.2).</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>Time allowed for one HTTP exchange.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Total time to keep retrying while the server answers 202 Accepted (RFC 7030 §4.2.3).</summary>
    public TimeSpan MaxPendingWait { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Wait used when a 202 carries no usable Retry-After.</summary>
    public TimeSpan DefaultRetryAfter { get; init; } = TimeSpan.FromSeconds(60);

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The EST base URL: https://host:port/.well-known/est[/label], without a trailing slash.</summary>
    public Uri EstBase
    {
        get
        {
            var text = Server.GetLeftPart(UriPartial.Path).TrimEnd('/');
            if (!text.EndsWith("/.well-known/est", StringComparison.OrdinalIgnoreCase))
            {
                text += "/.well-known/est";
            }

            if (!string.IsNullOrEmpty(Label))
            {
                text += "/" + Uri.EscapeDataString(Label);
            }

            return new Uri(text);
        }
    }
}
