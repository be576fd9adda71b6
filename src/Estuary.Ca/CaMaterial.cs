using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>What the data folder holds for the CA: the issuing CA, the root, and the TLS server identity.</summary>
public sealed class CaMaterial : IDisposable
{
    public required CertificateAuthority Issuing { get; init; }

    public required X509Certificate2 Root { get; init; }

    /// <summary>The TLS server certificate with its private key, for Kestrel.</summary>
    public required X509Certificate2 TlsCertificate { get; init; }

    /// <summary>The RA's signing certificate with its key (CMC responses, RFC 5272 §3.2.2); null when not loaded.</summary>
    public X509Certificate2? RaSigningCertificate { get; init; }

    /// <summary>True when this start created the CA (first run).</summary>
    public required bool Created { get; init; }

    public required string RootCertificatePath { get; init; }

    /// <summary>Where the key passphrase came from, for the start-up summary (never the passphrase itself).</summary>
    public required string PassphraseSource { get; init; }

    public void Dispose()
    {
        Issuing.Dispose();
        TlsCertificate.Dispose();
        RaSigningCertificate?.Dispose();
    }
}
