namespace Estuary.Protocol.Asn1;

/// <summary>Object identifiers used on the EST wire, by their RFC names.</summary>
public static class Oids
{
    // RFC 5652 §5.1, §4
    public const string SignedData = "1.2.840.113549.1.7.2";
    public const string Data = "1.2.840.113549.1.7.1";

    // RFC 2985 (PKCS #9) attributes
    public const string ChallengePassword = "1.2.840.113549.1.9.7";
    public const string ExtensionRequest = "1.2.840.113549.1.9.14";

    // RFC 9881 (ML-DSA in X.509, FIPS 204) and RFC 9935 (ML-KEM in X.509, FIPS 203): one OID names both the
    // public key and, for ML-DSA, the signature algorithm; parameters are always absent.
    public const string MlDsa44 = "2.16.840.1.101.3.4.3.17";
    public const string MlDsa65 = "2.16.840.1.101.3.4.3.18";
    public const string MlDsa87 = "2.16.840.1.101.3.4.3.19";
    public const string MlKem512 = "2.16.840.1.101.3.4.4.1";
    public const string MlKem768 = "2.16.840.1.101.3.4.4.2";
    public const string MlKem1024 = "2.16.840.1.101.3.4.4.3";

    // RFC 5480 / RFC 3279 public keys and curves
    public const string EcPublicKey = "1.2.840.10045.2.1";
    public const string RsaEncryption = "1.2.840.113549.1.1.1";
    public const string RsaPss = "1.2.840.113549.1.1.10";
    public const string Secp256r1 = "1.2.840.10045.3.1.7";
    public const string Secp384r1 = "1.3.132.0.34";
    public const string Secp521r1 = "1.3.132.0.35";

    // Signature algorithms (RFC 5758, RFC 4055)
    public const string EcdsaWithSha256 = "1.2.840.10045.4.3.2";
    public const string EcdsaWithSha384 = "1.2.840.10045.4.3.3";
    public const string EcdsaWithSha512 = "1.2.840.10045.4.3.4";
    public const string Sha256WithRsa = "1.2.840.113549.1.1.11";
    public const string Sha384WithRsa = "1.2.840.113549.1.1.12";
    public const string Sha512WithRsa = "1.2.840.113549.1.1.13";

    // RFC 5280 §4.2 extensions
    public const string SubjectKeyIdentifier = "2.5.29.14";
    public const string KeyUsage = "2.5.29.15";
    public const string SubjectAltName = "2.5.29.17";
    public const string BasicConstraints = "2.5.29.19";
    public const string CrlDistributionPoints = "2.5.29.31";

    /// <summary>RFC 5280 §5.2.5: a CRL extension naming the scope of a partitioned CRL.</summary>
    public const string IssuingDistributionPoint = "2.5.29.28";
    public const string AuthorityKeyIdentifier = "2.5.29.35";
    public const string ExtendedKeyUsage = "2.5.29.37";
    public const string AuthorityInfoAccess = "1.3.6.1.5.5.7.1.1";

    // RFC 5280 §4.2.1.12 key purposes
    public const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    public const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    public const string CodeSigning = "1.3.6.1.5.5.7.3.3";
    public const string EmailProtection = "1.3.6.1.5.5.7.3.4";
    public const string OcspSigning = "1.3.6.1.5.5.7.3.9";

    // X.520 attribute types
    public const string CommonName = "2.5.4.3";

    // RFC 7030 §4.4.1.1, §4.4.1.2: CSR attributes asking for an encrypted server-generated key
    public const string DecryptKeyIdentifier = "1.2.840.113549.1.9.16.2.37";
    public const string AsymmetricDecryptKeyIdentifier = "1.2.840.113549.1.9.16.2.54";
}
