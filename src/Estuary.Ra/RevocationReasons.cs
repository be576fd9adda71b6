using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ra;

/// <summary>The CRLReason names of RFC 5280 §5.3.1, as the CLI and the admin API spell them.</summary>
public static class RevocationReasons
{
    private static readonly Dictionary<string, X509RevocationReason> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["unspecified"] = X509RevocationReason.Unspecified,
        ["keyCompromise"] = X509RevocationReason.KeyCompromise,
        ["cACompromise"] = X509RevocationReason.CACompromise,
        ["affiliationChanged"] = X509RevocationReason.AffiliationChanged,
        ["superseded"] = X509RevocationReason.Superseded,
        ["cessationOfOperation"] = X509RevocationReason.CessationOfOperation,
        ["privilegeWithdrawn"] = X509RevocationReason.PrivilegeWithdrawn,
        ["aACompromise"] = X509RevocationReason.AACompromise,
    };

    /// <summary>The names accepted by <see cref="TryParse"/>. certificateHold and removeFromCRL are not offered: revocation here is final.</summary>
    public static IEnumerable<string> Names => ByName.Keys;

    public static bool TryParse(string name, out X509RevocationReason reason) => ByName.TryGetValue(name.Trim(), out reason);

    public static string Name(int code) => ByName.FirstOrDefault(p => (int)p.Value == code).Key ?? code.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
