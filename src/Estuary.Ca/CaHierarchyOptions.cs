namespace Estuary.Ca;

/// <summary>
/// A further CA hierarchy beside the main one (section "Estuary:Ca:Hierarchies:NAME"), typically post-quantum:
/// its own root and issuing CA of <see cref="KeyAlgorithm"/>, kept in DATA_DIR/hierarchies/NAME/ and chosen by a
/// label with Estuary:Labels:LABEL:Hierarchy = NAME. Keys are files encrypted with the CA key passphrase.
/// </summary>
public sealed class CaHierarchyOptions
{
    /// <summary>Key type of both the root and the issuing CA: ML-DSA-44, ML-DSA-65, ML-DSA-87 (or an EC/RSA type).</summary>
    public string KeyAlgorithm { get; set; } = "ML-DSA-65";

    /// <summary>Subject of the root; empty: "CN=Estuary NAME Root CA, O=Estuary".</summary>
    public string RootSubject { get; set; } = "";

    /// <summary>Subject of the issuing CA; empty: "CN=Estuary NAME Issuing CA, O=Estuary".</summary>
    public string IssuingSubject { get; set; } = "";

    /// <summary>"file" only: no PKCS#11 token Estuary drives (SoftHSM2 2.6.1) has ML-DSA mechanisms (see docs/PQC.md).</summary>
    public string KeyProvider { get; set; } = "file";

    public int RootValidityDays { get; set; } = 20 * 365;

    public int IssuingValidityDays { get; set; } = 10 * 365;

    /// <summary>
    /// During a root rollover of this hierarchy (`estuary ca rollover begin --hierarchy NAME`): true issues under the
    /// new root's issuing CA, as Estuary:Ca:IssueUnderNewRoot does for the main CA.
    /// </summary>
    public bool IssueUnderNewRoot { get; set; }
}
