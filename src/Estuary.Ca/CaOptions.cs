namespace Estuary.Ca;

/// <summary>Configuration of the built-in CA (section "Estuary:Ca").</summary>
public sealed class CaOptions
{
    /// <summary>Key type of the root CA created on first run.</summary>
    public string RootKeyAlgorithm { get; set; } = "P-384";

    /// <summary>Key type of the issuing CA created on first run.</summary>
    public string IssuingKeyAlgorithm { get; set; } = "P-256";

    public string RootSubject { get; set; } = "CN=Estuary Root CA, O=Estuary";

    public string IssuingSubject { get; set; } = "CN=Estuary Issuing CA, O=Estuary";

    public int RootValidityDays { get; set; } = 20 * 365;

    public int IssuingValidityDays { get; set; } = 10 * 365;

    /// <summary>
    /// Passphrase that encrypts the CA and TLS private keys (PKCS#8, PBES2 with AES-256-CBC and PBKDF2-SHA256).
    /// When empty, a random one is generated into DATA_DIR/ca-key.passphrase with mode 0600.
    /// </summary>
    public string? KeyPassphrase { get; set; }

    /// <summary>Where the root and issuing CA keys live: "file" (encrypted PKCS#8 in the data folder) or "pkcs11" (an HSM).</summary>
    public string KeyProvider { get; set; } = "file";

    /// <summary>The token that holds the CA keys when <see cref="KeyProvider"/> is "pkcs11" (section "Estuary:Ca:Pkcs11").</summary>
    public Pkcs11Options Pkcs11 { get; set; } = new();

    /// <summary>During a root rollover (`estuary ca rollover begin`), issue under the new root's issuing CA.</summary>
    public bool IssueUnderNewRoot { get; set; }

    /// <summary>
    /// Renew the issuing CA automatically (`estuary serve`) once less than <see cref="RenewIssuingBeforeDays"/> of it
    /// remains; the same as `estuary ca issuing renew`, guarded by a lock file so nodes sharing the folder renew once.
    /// </summary>
    public bool AutoRenewIssuing { get; set; } = true;

    /// <summary>
    /// Renew the issuing CA when less than this many days of it remain; 0 (default): the longest certificate lifetime
    /// of the configured labels plus 30 days, since no certificate may outlive its issuer (RFC 5280 §6.1.3).
    /// </summary>
    public int RenewIssuingBeforeDays { get; set; }

    /// <summary>How often a server looks at the data folder for a renewed issuing CA (from the CLI or another node).</summary>
    public TimeSpan IssuingCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>True when the CA keys are in a PKCS#11 token.</summary>
    public bool UsesPkcs11 => string.Equals(KeyProvider, "pkcs11", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Further CA hierarchies by name (section "Estuary:Ca:Hierarchies:NAME"), e.g. an ML-DSA one beside this ECDSA
    /// one; a label picks one with Estuary:Labels:LABEL:Hierarchy. Created on first start or by `estuary ca init`.
    /// </summary>
    public IDictionary<string, CaHierarchyOptions> Hierarchies { get; } = new Dictionary<string, CaHierarchyOptions>(StringComparer.Ordinal);

    /// <summary>Extra DNS names or IP addresses for the generated TLS server certificate (localhost, 127.0.0.1 and ::1 are always in it).</summary>
    public IList<string> TlsHostnames { get; } = [];
}
