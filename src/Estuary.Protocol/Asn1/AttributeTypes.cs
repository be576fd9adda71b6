namespace Estuary.Protocol.Asn1;

/// <summary>The subject attribute types Estuary names in configuration and messages (X.520, RFC 4519, PKCS#9).</summary>
public static class AttributeTypes
{
    private static readonly Dictionary<string, string> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["CN"] = Oids.CommonName,
        ["SN"] = "2.5.4.4",
        ["SERIALNUMBER"] = "2.5.4.5",
        ["C"] = "2.5.4.6",
        ["L"] = "2.5.4.7",
        ["ST"] = "2.5.4.8",
        ["STREET"] = "2.5.4.9",
        ["O"] = "2.5.4.10",
        ["OU"] = "2.5.4.11",
        ["T"] = "2.5.4.12",
        ["GN"] = "2.5.4.42",
        ["E"] = "1.2.840.113549.1.9.1",
        ["DC"] = "0.9.2342.19200300.100.1.25",
        ["UID"] = "0.9.2342.19200300.100.1.1",
    };

    /// <summary>The OID of a short name (case-insensitive), or null.</summary>
    public static string? Oid(string name) => ByName.TryGetValue(name, out var oid) ? oid : null;

    /// <summary>The short name of an OID, or the OID itself.</summary>
    public static string Name(string oid) => ByName.FirstOrDefault(kv => kv.Value == oid).Key ?? oid;
}
