namespace Estuary.Ra;

/// <summary>
/// What a CA label issues (configuration "Estuary:Labels:NAME"; the label-less default is "default").
/// The seed of the managed templates: validity, key usage, key types, subject and SAN rules.
/// </summary>
public sealed class ProfileOptions
{
    public int ValidityDays { get; set; } = 365;

    /// <summary>X509KeyUsageFlags names: DigitalSignature, KeyEncipherment, KeyAgreement, NonRepudiation, DataEncipherment.</summary>
    public IList<string> KeyUsage { get; } = [];

    /// <summary>Extended key usages by name (ServerAuth, ClientAuth, CodeSigning, EmailProtection) or dotted OID.</summary>
    public IList<string> ExtendedKeyUsage { get; } = [];

    /// <summary>Accepted subject key types: P-256, P-384, P-521, RSA (any size from <see cref="MinRsaBits"/>), ML-DSA-44/65/87 (RFC 9881).</summary>
    public IList<string> AllowedKeys { get; } = [];

    public int MinRsaBits { get; set; } = 2048;

    /// <summary>
    /// The CA hierarchy that signs this label's certificates: a name under Estuary:Ca:Hierarchies (e.g. an ML-DSA
    /// one), or empty / "default" for the main CA.
    /// </summary>
    public string? Hierarchy { get; set; }

    /// <summary>Subject attributes copied from the CSR (CN, O, OU, C, ST, L, SERIALNUMBER, E, DC, UID or dotted OIDs); others are refused.</summary>
    public IList<string> SubjectAttributes { get; } = [];

    /// <summary>SAN types copied from the CSR: dns, ip, email, uri; a CSR with another type is refused.</summary>
    public IList<string> SanTypes { get; } = [];

    /// <summary>At most this many SAN entries.</summary>
    public int MaxSans { get; set; } = 100;

    /// <summary>
    /// Issue wildcard dNSNames ("*.x.example": '*' as the whole leftmost label, RFC 6125 §6.4.3) and wildcard-looking
    /// CNs. Off by default: a certificate for every host of a domain is something an operator chooses, not a client.
    /// </summary>
    public bool AllowWildcardDnsNames { get; set; }

    /// <summary>Answer csrattrs with the key type and SAN wishes of this profile (RFC 9908); false gives 204.</summary>
    public bool AdvertiseCsrAttributes { get; set; } = true;

    /// <summary>Allow /serverkeygen (RFC 7030 §4.4): the server generates the key pair and returns the private key once.</summary>
    public bool ServerKeyGen { get; set; } = true;

    /// <summary>Key type /serverkeygen generates: P-256, P-384, P-521, RSA-2048, RSA-3072 or RSA-4096.</summary>
    public string ServerKeyAlgorithm { get; set; } = "P-256";

    /// <summary>
    /// Keep a copy of every /serverkeygen private key, encrypted to <see cref="ArchiveCertificate"/> (CMS EnvelopedData)
    /// and stored beside the certificate record. Off by default: then the server never keeps a generated key.
    /// </summary>
    public bool ArchiveKeys { get; set; }

    /// <summary>PEM file of the archive (key recovery) certificate, RSA or EC with a subjectKeyIdentifier; needed when <see cref="ArchiveKeys"/> is on.</summary>
    public string? ArchiveCertificate { get; set; }

    /// <summary>Hold every enrollment for an administrator's approval (RFC 7030 §4.2.3: 202 + Retry-After until decided).</summary>
    public bool RequireApproval { get; set; }

    /// <summary>Require the CSR's challengePassword to carry the TLS channel binding of the connection (RFC 7030 §3.5).</summary>
    public bool RequireProofOfPossessionLinking { get; set; }

    /// <summary>The built-in default: TLS client certificates, one year, ECDSA or RSA ≥ 2048.</summary>
    public static ProfileOptions DefaultClient()
    {
        var p = new ProfileOptions();
        p.ApplyDefaults();
        return p;
    }

    /// <summary>Fills lists that configuration left empty with the defaults of a TLS client profile.</summary>
    public void ApplyDefaults()
    {
        AddIfEmpty(KeyUsage, "DigitalSignature");
        AddIfEmpty(ExtendedKeyUsage, "ClientAuth");
        AddIfEmpty(AllowedKeys, "P-256", "P-384", "P-521", "RSA");
        AddIfEmpty(SubjectAttributes, "CN", "O", "OU", "C", "ST", "L", "SERIALNUMBER", "E", "DC", "UID");
        AddIfEmpty(SanTypes, "dns", "ip", "email", "uri");
    }

    private static void AddIfEmpty(IList<string> list, params string[] values)
    {
        if (list.Count == 0)
        {
            foreach (var v in values)
            {
                list.Add(v);
            }
        }
    }
}
