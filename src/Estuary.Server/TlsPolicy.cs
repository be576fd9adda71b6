using System.Net.Security;

namespace Estuary.Server;

/// <summary>
/// TLS 1.2 and 1.3 with forward secrecy and AEAD only. TLS 1.2 stays because strongSwan 5.9.8 and
/// libest 3.2.0 never use 1.3, and RFC 7030 §3.5's tls-unique exists only in 1.2.
/// </summary>
internal static class TlsPolicy
{
    private static readonly TlsCipherSuite[] Aead =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
        TlsCipherSuite.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
    ];

    public static readonly CipherSuitesPolicy? CipherSuites = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() ? new CipherSuitesPolicy(Aead) : null;

    // Read once: OpenSSL's defaults do not change while the process runs.
    private static readonly Lazy<bool> OpenSslDefaultIsAead = new(() => OpenSslCipherList.IsWithin(Aead));

    /// <summary>
    /// Whether the AEAD policy must be set on every connection. .NET builds a new OpenSSL context for each
    /// connection that carries a cipher policy, and caches one (with session resumption) only for connections that
    /// carry none — about 0.5 ms of CPU per new connection (docs/BENCHMARKS.md). When OpenSSL's own defaults are
    /// already within the AEAD list (OPENSSL_CONF naming openssl-aead.cnf, as the packaged unit does), the policy
    /// holds without one.
    /// </summary>
    public static bool PerConnection(EstuaryOptions options) => options.RestrictCipherSuites && !OpenSslDefaultIsAead.Value;

    /// <summary>One line for the start-up summary: which suites, and how they are enforced.</summary>
    public static string Describe(EstuaryOptions options) =>
        !options.RestrictCipherSuites ? "runtime (the .NET/OpenSSL defaults; cached TLS context, session resumption)"
        : !PerConnection(options) ? "aead (from the OpenSSL configuration; cached TLS context, session resumption)"
        : $"aead (set per connection: no session resumption; OPENSSL_CONF={Path.Combine(AppContext.BaseDirectory, "openssl-aead.cnf")} makes reconnects cheaper)";
}
