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

    /// <summary>The CA that issued the TLS server certificate, sent with it in the handshake (defaults to the issuing CA).</summary>
    public X509Certificate2? TlsIssuer { get; init; }

    /// <summary>The root rollover in progress (RFC 7030 §4.1.3), or null.</summary>
    public RootRollover? Rollover { get; init; }

    /// <summary>The further hierarchies (Estuary:Ca:Hierarchies), e.g. ML-DSA; the main one is <see cref="Issuing"/>.</summary>
    public IReadOnlyList<CaHierarchy> Hierarchies { get; init; } = [];

    /// <summary>The issuing CA of hierarchy <paramref name="name"/>: the main one for null, empty or "default"; null when unknown.</summary>
    public CertificateAuthority? IssuingOf(string? name) =>
        string.IsNullOrEmpty(name) || name == CaHierarchies.Main ? Issuing : Hierarchies.FirstOrDefault(h => h.Name == name)?.Issuing;

    /// <summary>Every issuing CA this server runs: the main one first, then one per further hierarchy.</summary>
    public IReadOnlyList<CertificateAuthority> AllIssuing => [Issuing, .. Hierarchies.Select(h => h.Issuing)];

    /// <summary>Encrypts the keys this host creates later (the OCSP signer); never printed or logged.</summary>
    internal string KeyPassphrase { get; init; } = "";

    /// <summary>The data folder the material was loaded from.</summary>
    public string DataDirectory { get; init; } = "";

    public void Dispose()
    {
        Issuing.Dispose();
        TlsCertificate.Dispose();
        RaSigningCertificate?.Dispose();
        foreach (var hierarchy in Hierarchies)
        {
            hierarchy.Dispose();
        }
    }
}
