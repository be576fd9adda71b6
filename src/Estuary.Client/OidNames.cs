using Estuary.Protocol.Asn1;

namespace Estuary.Client;

/// <summary>Readable names for the OIDs a csrattrs answer commonly carries.</summary>
public static class OidNames
{
    private static readonly Dictionary<string, string> Names = new(StringComparer.Ordinal)
    {
        [Oids.EcPublicKey] = "id-ecPublicKey",
        [Oids.RsaEncryption] = "rsaEncryption",
        [Oids.RsaPss] = "RSASSA-PSS",
        [Oids.Secp256r1] = "P-256",
        [Oids.Secp384r1] = "P-384",
        [Oids.Secp521r1] = "P-521",
        [Oids.EcdsaWithSha256] = "ecdsa-with-SHA256",
        [Oids.EcdsaWithSha384] = "ecdsa-with-SHA384",
        [Oids.EcdsaWithSha512] = "ecdsa-with-SHA512",
        [Oids.Sha256WithRsa] = "sha256WithRSAEncryption",
        [Oids.Sha384WithRsa] = "sha384WithRSAEncryption",
        [Oids.Sha512WithRsa] = "sha512WithRSAEncryption",
        [Oids.ChallengePassword] = "challengePassword",
        [Oids.ExtensionRequest] = "extensionRequest",
        [Oids.SubjectAltName] = "subjectAltName",
        [Oids.KeyUsage] = "keyUsage",
        [Oids.ExtendedKeyUsage] = "extKeyUsage",
        [Oids.BasicConstraints] = "basicConstraints",
        [Oids.CommonName] = "commonName",
        ["2.5.4.5"] = "serialNumber",
        ["2.5.4.6"] = "countryName",
        ["2.5.4.10"] = "organizationName",
        ["2.5.4.11"] = "organizationalUnitName",
        ["1.2.840.113549.1.9.1"] = "emailAddress",
        ["1.3.6.1.1.1.1.22"] = "macAddress",
        ["2.16.840.1.101.3.4.2.1"] = "SHA-256",
        ["2.16.840.1.101.3.4.2.2"] = "SHA-384",
        ["2.16.840.1.101.3.4.2.3"] = "SHA-512",
        [CsrAttributesInfo.CertificationRequestInfoTemplateOid] = "certificationRequestInfoTemplate",
        [CsrAttributesInfo.ExtensionRequestTemplateOid] = "extensionReqTemplate",
    };

    /// <summary>"name (oid)" when the OID is known, else the OID.</summary>
    public static string Describe(string oid) => Names.TryGetValue(oid, out var name) ? $"{name} ({oid})" : oid;

    public static string? NameOf(string oid) => Names.GetValueOrDefault(oid);
}
