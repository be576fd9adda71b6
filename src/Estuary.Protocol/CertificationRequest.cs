using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Crypto;

namespace Estuary.Protocol;

/// <summary>
/// A PKCS#10 certification request (RFC 2986 §4) parsed once at the edge, with its signature verified:
/// the signature is the proof of possession of the private key (RFC 7030 §3.4). Inside Estuary a CSR
/// is this type, never a byte array.
/// </summary>
public sealed class CertificationRequest
{
    /// <summary>RSA keys larger than this are refused before any arithmetic is done on them.</summary>
    public const int MaxRsaKeyBits = 16384;

    /// <summary>Extensions requested beyond this are refused (hostile CSRs carry thousands).</summary>
    public const int MaxExtensions = 64;

    private CertificationRequest(
        byte[] encoded,
        ReadOnlyMemory<byte> subject,
        ReadOnlyMemory<byte> subjectPublicKeyInfo,
        PublicKeyKind publicKey,
        IReadOnlyList<CsrExtension> extensions,
        string? challengePassword,
        IReadOnlyList<string> otherAttributes,
        string signatureAlgorithm)
    {
        Encoded = encoded;
        Subject = subject;
        SubjectPublicKeyInfo = subjectPublicKeyInfo;
        PublicKey = publicKey;
        Extensions = extensions;
        ChallengePassword = challengePassword;
        OtherAttributes = otherAttributes;
        SignatureAlgorithm = signatureAlgorithm;
    }

    /// <summary>The request as received (DER).</summary>
    public byte[] Encoded { get; }

    /// <summary>The DER of the subject Name.</summary>
    public ReadOnlyMemory<byte> Subject { get; }

    /// <summary>The DER of the SubjectPublicKeyInfo.</summary>
    public ReadOnlyMemory<byte> SubjectPublicKeyInfo { get; }

    public PublicKeyKind PublicKey { get; }

    /// <summary>Extensions of the extensionRequest attribute, in request order.</summary>
    public IReadOnlyList<CsrExtension> Extensions { get; }

    /// <summary>The challengePassword attribute (RFC 2985 §5.4.1), which carries tls-unique for RFC 7030 §3.5.</summary>
    public string? ChallengePassword { get; }

    /// <summary>OIDs of the attributes that are neither extensionRequest nor challengePassword.</summary>
    public IReadOnlyList<string> OtherAttributes { get; }

    public string SignatureAlgorithm { get; }

    /// <summary>The extension with this OID, or null.</summary>
    public CsrExtension? FindExtension(string oid)
    {
        foreach (var e in Extensions)
        {
            if (e.Oid == oid)
            {
                return e;
            }
        }

        return null;
    }

    /// <summary>Parses DER and verifies the self-signature.</summary>
    /// <exception cref="EstProtocolException">Not DER PKCS#10, trailing data, unsupported algorithm, or a bad signature.</exception>
    public static CertificationRequest Decode(byte[] der)
    {
        try
        {
            return DecodeCore(der);
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the CSR is not valid DER PKCS#10 (RFC 2986): " + e.Message, e);
        }
        catch (CryptographicException e)
        {
            throw new EstProtocolException("the CSR's public key or signature cannot be read: " + e.Message, e);
        }
    }

    private static CertificationRequest DecodeCore(byte[] der)
    {
        var outer = new AsnReader(der, AsnEncodingRules.DER);
        var request = outer.ReadSequence();
        if (outer.HasData)
        {
            throw new EstProtocolException("the CSR has trailing data after the DER PKCS#10 structure");
        }

        var tbs = request.ReadEncodedValue();
        var signatureAlgorithm = ReadAlgorithm(request, out var signatureParameters);
        var signature = request.ReadBitString(out var unusedBits);
        request.ThrowIfNotEmpty();
        if (unusedBits != 0)
        {
            throw new EstProtocolException("the CSR signature BIT STRING has unused bits");
        }

        var info = new AsnReader(tbs, AsnEncodingRules.DER).ReadSequence();
        if (!info.TryReadInt32(out var version) || version != 0)
        {
            throw new EstProtocolException("the CSR version must be v1 (0), RFC 2986 §4.1");
        }

        var subject = info.ReadEncodedValue();
        ValidateName(subject);
        var spki = info.ReadEncodedValue();
        var publicKey = ReadPublicKeyKind(spki);

        var extensions = new List<CsrExtension>();
        string? challengePassword = null;
        var other = new List<string>();
        // attributes [0] IMPLICIT SET OF Attribute. Optional in practice: some tools omit it.
        if (info.HasData)
        {
            var attributes = info.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (attributes.HasData)
            {
                var attribute = attributes.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                if (!seen.Add(type))
                {
                    throw new EstProtocolException($"the CSR repeats attribute {type}");
                }

                var values = attribute.ReadSetOf();
                attribute.ThrowIfNotEmpty();
                switch (type)
                {
                    case Oids.ExtensionRequest:
                        ReadExtensionRequest(values, extensions);
                        break;
                    case Oids.ChallengePassword:
                        challengePassword = ReadDirectoryString(values.ReadEncodedValue());
                        break;
                    default:
                        other.Add(type);
                        break;
                }
            }
        }

        info.ThrowIfNotEmpty();
        VerifySignature(tbs.Span, signatureAlgorithm, signatureParameters, signature, spki, publicKey);
        return new CertificationRequest(der, subject, spki, publicKey, extensions, challengePassword, other, signatureAlgorithm);
    }

    private static void ValidateName(ReadOnlyMemory<byte> name)
    {
        // Name ::= SEQUENCE OF RelativeDistinguishedName (SET OF AttributeTypeAndValue). Walk it so that
        // a malformed subject is refused here, not later inside the certificate builder.
        var rdns = new AsnReader(name, AsnEncodingRules.DER).ReadSequence();
        while (rdns.HasData)
        {
            var rdn = rdns.ReadSetOf();
            while (rdn.HasData)
            {
                var atv = rdn.ReadSequence();
                atv.ReadObjectIdentifier();
                atv.ReadEncodedValue();
                atv.ThrowIfNotEmpty();
            }
        }
    }

    private static void ReadExtensionRequest(AsnReader values, List<CsrExtension> extensions)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = values.ReadSequence();
        values.ThrowIfNotEmpty();
        while (list.HasData)
        {
            var extension = list.ReadSequence();
            var oid = extension.ReadObjectIdentifier();
            var critical = false;
            if (extension.PeekTag().HasSameClassAndValue(Asn1Tag.Boolean))
            {
                critical = extension.ReadBoolean();
            }

            var value = extension.ReadOctetString();
            extension.ThrowIfNotEmpty();
            if (!seen.Add(oid))
            {
                // RFC 5280 §4.2: a certificate MUST NOT include more than one instance of an extension.
                throw new EstProtocolException($"the CSR requests extension {oid} twice");
            }

            if (extensions.Count >= MaxExtensions)
            {
                throw new EstProtocolException($"the CSR requests more than {MaxExtensions} extensions");
            }

            extensions.Add(new CsrExtension(oid, critical, value));
        }
    }

    /// <summary>Reads a DirectoryString or other ASN.1 string value (see <see cref="DirectoryString"/>; TeletexString as Latin-1).</summary>
    /// <exception cref="EstProtocolException">Not a string type, or bytes that type does not allow.</exception>
    public static string ReadDirectoryString(ReadOnlyMemory<byte> encoded) => DirectoryString.Decode(encoded, out _);

    private static string ReadAlgorithm(AsnReader reader, out ReadOnlyMemory<byte>? parameters)
    {
        var algorithm = reader.ReadSequence();
        var oid = algorithm.ReadObjectIdentifier();
        parameters = algorithm.HasData ? algorithm.ReadEncodedValue() : null;
        algorithm.ThrowIfNotEmpty();
        return oid;
    }

    /// <summary>Reads algorithm, named curve and key size out of a SubjectPublicKeyInfo (RFC 5280 §4.1.2.7).</summary>
    public static PublicKeyKind ReadPublicKeyKind(ReadOnlyMemory<byte> spki)
    {
        var reader = new AsnReader(spki, AsnEncodingRules.DER).ReadSequence();
        var algorithm = ReadAlgorithm(reader, out var parameters);
        var key = reader.ReadBitString(out _);
        reader.ThrowIfNotEmpty();
        switch (algorithm)
        {
            case Oids.EcPublicKey:
                {
                    if (parameters is null || !new AsnReader(parameters.Value, AsnEncodingRules.DER).PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
                    {
                        throw new EstProtocolException("the EC public key does not name its curve (RFC 5480 §2.1.1 namedCurve)");
                    }

                    var curve = new AsnReader(parameters.Value, AsnEncodingRules.DER).ReadObjectIdentifier();
                    var bits = curve switch
                    {
                        Oids.Secp256r1 => 256,
                        Oids.Secp384r1 => 384,
                        Oids.Secp521r1 => 521,
                        _ => 0,
                    };
                    return new PublicKeyKind(algorithm, curve, bits);
                }

            case Oids.RsaEncryption:
                {
                    var rsa = new AsnReader(key, AsnEncodingRules.DER).ReadSequence();
                    var modulus = rsa.ReadIntegerBytes().Span;
                    rsa.ReadIntegerBytes();
                    rsa.ThrowIfNotEmpty();
                    if (modulus.Length > 0 && modulus[0] == 0)
                    {
                        modulus = modulus[1..];
                    }

                    var bits = modulus.IsEmpty ? 0 : ((modulus.Length - 1) * 8) + (8 - System.Numerics.BitOperations.LeadingZeroCount((uint)modulus[0]) + 24);
                    if (bits > MaxRsaKeyBits)
                    {
                        throw new EstProtocolException($"RSA keys larger than {MaxRsaKeyBits} bits are not accepted");
                    }

                    return new PublicKeyKind(algorithm, null, bits);
                }

            case Oids.MlDsa44 or Oids.MlDsa65 or Oids.MlDsa87:
                // RFC 9881 §4: parameters ABSENT and the raw key of the parameter set's size (FIPS 204 Table 2).
                if (parameters is { IsEmpty: false } || key.Length != MlDsa.PublicKeyLength(algorithm))
                {
                    throw new EstProtocolException($"the {new PublicKeyKind(algorithm, null, 0).Name} public key is malformed (RFC 9881 §4: no parameters, {MlDsa.PublicKeyLength(algorithm)} octets)");
                }

                return new PublicKeyKind(algorithm, null, 0);

            default:
                return new PublicKeyKind(algorithm, null, 0);
        }
    }

    private static void VerifySignature(
        ReadOnlySpan<byte> tbs,
        string signatureAlgorithm,
        ReadOnlyMemory<byte>? signatureParameters,
        byte[] signature,
        ReadOnlyMemory<byte> spki,
        PublicKeyKind publicKey)
    {
        bool valid;
        switch (signatureAlgorithm)
        {
            case Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384 or Oids.EcdsaWithSha512:
                {
                    if (!publicKey.IsEc || publicKey.KeySizeBits == 0)
                    {
                        throw new EstProtocolException($"the CSR is signed with ECDSA but its key is {publicKey.Name}");
                    }

                    var digest = Digest(HashOf(signatureAlgorithm), tbs);
                    valid = OpenSslEcdsaVerifier.TryVerifyHash(publicKey.CurveOid ?? "", spki.Span, digest, signature) ?? VerifyWithBcl(spki.Span, digest, signature);
                    break;
                }

            case Oids.Sha256WithRsa or Oids.Sha384WithRsa or Oids.Sha512WithRsa:
                {
                    if (!publicKey.IsRsa)
                    {
                        throw new EstProtocolException($"the CSR is signed with RSA but its key is {publicKey.Name}");
                    }

                    using var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(spki.Span, out _);
                    valid = rsa.VerifyData(tbs, signature, HashOf(signatureAlgorithm), RSASignaturePadding.Pkcs1);
                    break;
                }

            case Oids.RsaPss:
                {
                    if (!publicKey.IsRsa || signatureParameters is null)
                    {
                        throw new EstProtocolException("an RSASSA-PSS CSR signature needs an RSA key and PSS parameters");
                    }

                    using var rsa = RSA.Create();
                    rsa.ImportSubjectPublicKeyInfo(spki.Span, out _);
                    valid = rsa.VerifyData(tbs, signature, PssHash(signatureParameters.Value), RSASignaturePadding.Pss);
                    break;
                }

            case Oids.MlDsa44 or Oids.MlDsa65 or Oids.MlDsa87:
                {
                    // RFC 9881 §3: pure ML-DSA, parameters absent, and the key's own parameter set.
                    if (signatureParameters is { IsEmpty: false })
                    {
                        throw new EstProtocolException("an ML-DSA signature AlgorithmIdentifier must have no parameters (RFC 9881 §3)");
                    }

                    if (publicKey.AlgorithmOid != signatureAlgorithm)
                    {
                        throw new EstProtocolException($"the CSR is signed with {new PublicKeyKind(signatureAlgorithm, null, 0).Name} but its key is {publicKey.Name}");
                    }

                    valid = MlDsa.Verify(signatureAlgorithm, spki.Span, tbs, signature);
                    break;
                }

            default:
                throw new EstProtocolException($"the CSR signature algorithm {signatureAlgorithm} is not supported (use ECDSA, RSA with SHA-256/384/512, or ML-DSA)");
        }

        if (!valid)
        {
            throw new EstProtocolException("the CSR signature does not verify: proof of possession of the private key failed (RFC 7030 §3.4)");
        }
    }

    private static bool VerifyWithBcl(ReadOnlySpan<byte> spki, byte[] digest, byte[] signature)
    {
        using var ec = ECDsa.Create();
        ec.ImportSubjectPublicKeyInfo(spki, out _);
        return ec.VerifyHash(digest, signature, DSASignatureFormat.Rfc3279DerSequence);
    }

    private static byte[] Digest(HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
        hash == HashAlgorithmName.SHA256 ? SHA256.HashData(data)
        : hash == HashAlgorithmName.SHA384 ? SHA384.HashData(data)
        : SHA512.HashData(data);

    private static HashAlgorithmName HashOf(string signatureAlgorithm) => signatureAlgorithm switch
    {
        Oids.EcdsaWithSha256 or Oids.Sha256WithRsa => HashAlgorithmName.SHA256,
        Oids.EcdsaWithSha384 or Oids.Sha384WithRsa => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA512,
    };

    /// <summary>RSASSA-PSS-params (RFC 4055 §3.1): .NET verifies with salt length = hash length, the common profile.</summary>
    private static HashAlgorithmName PssHash(ReadOnlyMemory<byte> parameters)
    {
        var p = new AsnReader(parameters, AsnEncodingRules.DER).ReadSequence();
        var hash = "1.3.14.3.2.26";
        var explicit0 = new Asn1Tag(TagClass.ContextSpecific, 0);
        if (p.HasData && p.PeekTag().HasSameClassAndValue(explicit0))
        {
            hash = p.ReadSequence(explicit0).ReadSequence().ReadObjectIdentifier();
        }

        return hash switch
        {
            "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
            "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
            "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
            _ => throw new EstProtocolException("RSASSA-PSS with this hash is not supported (use SHA-256/384/512)"),
        };
    }
}
