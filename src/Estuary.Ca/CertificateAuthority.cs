using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// One issuing CA: its certificate, its chain up to the root, and its signing key. The only code that
/// touches a CA private key. It signs what the RA instructs; it decides nothing about what is allowed.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private readonly CaSigningKey _key;
    private readonly byte[] _issuerName;
    private readonly byte[] _keyIdentifier;
    private readonly Lazy<string?> _ecCurve;
    private readonly Lazy<byte[]> _subjectPublicKeyInfo;

    public CertificateAuthority(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chainToRoot, CaSigningKey key)
    {
        Certificate = certificate;
        Chain = chainToRoot;
        _key = key;
        _issuerName = certificate.SubjectName.RawData;
        _keyIdentifier = CertificateWriter.KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo());
        _ecCurve = new(() => NamedCurve(certificate));
        _subjectPublicKeyInfo = new(certificate.PublicKey.ExportSubjectPublicKeyInfo);
    }

    /// <summary>The issuing CA certificate.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The certificates above the issuing CA, ending with the root.</summary>
    public IReadOnlyList<X509Certificate2> Chain { get; }

    public X509Certificate2 Root => Chain.Count > 0 ? Chain[^1] : Certificate;

    public CaSigningKey SigningKey => _key;

    /// <summary>
    /// Added to every certificate this CA issues: where to find its CRL and OCSP responder
    /// (RFC 5280 §4.2.1.13, §4.2.2.1). Set once by the host when its public URL is known.
    /// </summary>
    public IReadOnlyList<CertificateExtension> DistributionExtensions { get; set; } = [];

    /// <summary>Published in /cacerts beside the chain during a root rollover: the other root and both link certificates (RFC 4210 §4.4).</summary>
    public IReadOnlyList<X509Certificate2> RolloverCertificates { get; set; } = [];

    /// <summary>The issuing CA this one replaces during a root rollover: its certificates still authenticate clients (to re-enroll).</summary>
    public CertificateAuthority? Predecessor { get; set; }

    /// <summary>The key identifier of this CA (its subjectKeyIdentifier), upper-case hex.</summary>
    public string KeyIdentifierHex => Convert.ToHexString(_keyIdentifier);

    /// <summary>Signs a certificate as instructed, with a fresh random serial.</summary>
    public IssuedCertificate Issue(IssuanceInstructions instructions)
    {
        // The CA never issues beyond its own validity (RFC 5280 §6.1.3 would reject it anyway).
        var notAfter = instructions.NotAfter > Certificate.NotAfter ? new DateTimeOffset(Certificate.NotAfter.ToUniversalTime()) : instructions.NotAfter;
        var clamped = instructions with { NotAfter = notAfter, Extensions = [.. instructions.Extensions, .. DistributionExtensions] };
        var serial = SerialNumber.Next();
        var der = CertificateWriter.Write(clamped, serial, _issuerName, _keyIdentifier, _key);
        return new IssuedCertificate(der, SerialNumber.ToHex(serial), TruncateToSeconds(clamped.NotBefore), TruncateToSeconds(clamped.NotAfter));
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>
    /// True when <paramref name="certificate"/> names this CA as issuer and carries a valid signature by
    /// its key. Cheaper than building a chain: the one check a TLS client certificate of ours needs.
    /// </summary>
    public bool IssuedThis(X509Certificate2 certificate)
    {
        if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(_issuerName))
        {
            return Predecessor?.IssuedThis(certificate) ?? false;
        }

        try
        {
            var reader = new System.Formats.Asn1.AsnReader(certificate.RawDataMemory, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
            var tbs = reader.ReadEncodedValue();
            var algorithm = reader.ReadSequence().ReadObjectIdentifier();
            var signature = reader.ReadBitString(out _);
            var hash = algorithm switch
            {
                Protocol.Asn1.Oids.EcdsaWithSha256 or Protocol.Asn1.Oids.Sha256WithRsa => System.Security.Cryptography.HashAlgorithmName.SHA256,
                Protocol.Asn1.Oids.EcdsaWithSha384 or Protocol.Asn1.Oids.Sha384WithRsa => System.Security.Cryptography.HashAlgorithmName.SHA384,
                Protocol.Asn1.Oids.EcdsaWithSha512 or Protocol.Asn1.Oids.Sha512WithRsa => System.Security.Cryptography.HashAlgorithmName.SHA512,
                _ => default,
            };
            if (hash == default)
            {
                return false;
            }

            // The fast path skips building a key object from the CA certificate on every mTLS request.
            if (_ecCurve.Value is { } curve
                && Protocol.Crypto.OpenSslEcdsaVerifier.TryVerifyHash(curve, _subjectPublicKeyInfo.Value, Digest(hash, tbs.Span), signature) is { } verified)
            {
                return verified;
            }

            using var ec = Certificate.GetECDsaPublicKey();
            if (ec is not null)
            {
                return ec.VerifyData(tbs.Span, signature, hash, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
            }

            using var rsa = Certificate.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(tbs.Span, signature, hash, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return false;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    private static byte[] Digest(System.Security.Cryptography.HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == System.Security.Cryptography.HashAlgorithmName.SHA256 ? System.Security.Cryptography.SHA256.HashData(data)
        : hash == System.Security.Cryptography.HashAlgorithmName.SHA384 ? System.Security.Cryptography.SHA384.HashData(data)
        : System.Security.Cryptography.SHA512.HashData(data);

    private static string? NamedCurve(X509Certificate2 certificate) =>
        certificate.PublicKey.Oid.Value == Protocol.Asn1.Oids.EcPublicKey
            ? new System.Formats.Asn1.AsnReader(certificate.PublicKey.EncodedParameters!.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadObjectIdentifier()
            : null;

    public void Dispose()
    {
        _key.Dispose();
        Predecessor?.Dispose();
    }
}
