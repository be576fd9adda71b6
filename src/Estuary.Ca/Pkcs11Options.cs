namespace Estuary.Ca;

/// <summary>A PKCS#11 token holding the CA keys (section "Estuary:Ca:Pkcs11"; the PIN best from Estuary__Ca__Pkcs11__Pin).</summary>
public sealed class Pkcs11Options
{
    /// <summary>The PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so.</summary>
    public string ModulePath { get; set; } = "";

    /// <summary>The label of the token (CKA_LABEL of the token info) that holds the keys.</summary>
    public string TokenLabel { get; set; } = "";

    /// <summary>The user PIN. Never logged or printed.</summary>
    public string Pin { get; set; } = "";

    /// <summary>Prefix of the key labels: PREFIX-root-ca and PREFIX-issuing-ca.</summary>
    public string KeyLabel { get; set; } = "estuary";

    public string RootKeyLabel => KeyLabel + "-root-ca";

    public string IssuingKeyLabel => KeyLabel + "-issuing-ca";

    /// <exception cref="ArgumentException">A missing setting.</exception>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(ModulePath) || string.IsNullOrWhiteSpace(TokenLabel) || string.IsNullOrEmpty(Pin))
        {
            throw new ArgumentException("Estuary:Ca:KeyProvider is pkcs11: set Estuary:Ca:Pkcs11:ModulePath, TokenLabel and Pin");
        }
    }
}
