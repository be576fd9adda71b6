using System.Formats.Asn1;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Client;

/// <summary>
/// A csrattrs answer (RFC 7030 §4.5.2, ASN.1 of RFC 8951 §4) read into what a client acts on: which key
/// to generate, which signature algorithm to use, which attributes and extensions to include. Both the
/// RFC 9908 form (an attribute named by the key algorithm whose value is the curve or modulus size) and
/// the older bare-OID form (a curve or hash OID on its own, as libest sends) are understood.
/// </summary>
public sealed class CsrAttributesInfo
{
    /// <summary>RFC 9908 id-aa-certificationRequestInfoTemplate.</summary>
    public const string CertificationRequestInfoTemplateOid = "1.2.840.113549.1.9.16.2.61";

    /// <summary>RFC 9908 id-aa-extensionReqTemplate.</summary>
    public const string ExtensionRequestTemplateOid = "1.2.840.113549.1.9.16.2.62";

    private static readonly Dictionary<string, string> HashToSignature = new(StringComparer.Ordinal)
    {
        ["2.16.840.1.101.3.4.2.1"] = "SHA-256",
        ["2.16.840.1.101.3.4.2.2"] = "SHA-384",
        ["2.16.840.1.101.3.4.2.3"] = "SHA-512",
    };

    /// <summary>"EC", "RSA" or "ML-DSA-44/65/87" when the server names a key algorithm; otherwise null.</summary>
    public string? KeyAlgorithm { get; private set; }

    /// <summary>"P-256", "P-384" or "P-521" when the server names a curve.</summary>
    public string? Curve { get; private set; }

    /// <summary>The RSA modulus size the server asks for.</summary>
    public int? RsaKeySize { get; private set; }

    /// <summary>The signature algorithm OID the server asks for (RFC 7030 §4.5.2), if any.</summary>
    public string? SignatureAlgorithm { get; private set; }

    /// <summary>The hash the server asks for ("SHA-256", "SHA-384", "SHA-512"), from a signature algorithm or a bare hash OID.</summary>
    public string? Hash { get; private set; }

    /// <summary>Whether the server asks for the challengePassword attribute (tls-unique, RFC 7030 §3.5).</summary>
    public bool WantsChallengePassword { get; private set; }

    /// <summary>OIDs asked for on their own that are neither key, curve, hash nor signature algorithm (subject attributes, extensions).</summary>
    public IReadOnlyList<string> RequestedOids => _requested;

    /// <summary>OIDs of the extensions inside an extensionRequest (or RFC 9908 template) attribute.</summary>
    public IReadOnlyList<string> ExtensionRequest => _extensions;

    /// <summary>True when an RFC 9908 CertificationRequestInfo template was present.</summary>
    public bool HasTemplate { get; private set; }

    /// <summary>Subject attribute types named by the RFC 9908 template, with their value where one is fixed.</summary>
    public IReadOnlyList<KeyValuePair<string, string?>> TemplateSubject => _templateSubject;

    /// <summary>The raw attributes as received.</summary>
    public CsrAttributes Raw { get; }

    private readonly List<string> _requested = [];
    private readonly List<string> _extensions = [];
    private readonly List<KeyValuePair<string, string?>> _templateSubject = [];

    private CsrAttributesInfo(CsrAttributes raw) => Raw = raw;

    /// <summary>An empty answer (204, RFC 7030 §4.5.2): the server asks for nothing.</summary>
    public static CsrAttributesInfo Empty { get; } = new(new CsrAttributes([]));

    public bool IsEmpty => Raw.IsEmpty;

    /// <exception cref="EstProtocolException">Not a CsrAttrs.</exception>
    public static CsrAttributesInfo Decode(ReadOnlyMemory<byte> der)
    {
        var raw = CsrAttributes.Decode(der);
        var info = new CsrAttributesInfo(raw);
        try
        {
            foreach (var item in raw.Items)
            {
                info.Interpret(item);
            }
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("a csrattrs attribute value is malformed: " + e.Message, e);
        }

        return info;
    }

    private void Interpret(CsrAttribute item)
    {
        if (item.Values is null)
        {
            InterpretBareOid(item.Oid);
            return;
        }

        switch (item.Oid)
        {
            case Oids.EcPublicKey:
                KeyAlgorithm = "EC";
                foreach (var value in item.Values)
                {
                    var reader = new AsnReader(value, AsnEncodingRules.BER);
                    if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
                    {
                        Curve = PublicKeyKind.CurveName(reader.ReadObjectIdentifier());
                    }
                }

                break;
            case Oids.RsaEncryption:
                KeyAlgorithm = "RSA";
                foreach (var value in item.Values)
                {
                    var reader = new AsnReader(value, AsnEncodingRules.BER);
                    if (reader.PeekTag().HasSameClassAndValue(Asn1Tag.Integer) && reader.TryReadInt32(out var bits))
                    {
                        RsaKeySize = bits;
                    }
                }

                break;
            case Oids.ExtensionRequest or ExtensionRequestTemplateOid:
                foreach (var value in item.Values)
                {
                    ReadExtensions(new AsnReader(value, AsnEncodingRules.BER));
                }

                break;
            case CertificationRequestInfoTemplateOid:
                HasTemplate = true;
                foreach (var value in item.Values)
                {
                    ReadTemplate(value);
                }

                break;
            default:
                // RFC 7030 §4.5.2: an attribute with values the client is to include as given.
                _requested.Add(item.Oid);
                break;
        }
    }

    private void InterpretBareOid(string oid)
    {
        switch (oid)
        {
            case Oids.Secp256r1 or Oids.Secp384r1 or Oids.Secp521r1:
                KeyAlgorithm ??= "EC";
                Curve = PublicKeyKind.CurveName(oid);
                break;
            case Oids.EcPublicKey:
                KeyAlgorithm = "EC";
                break;
            case Oids.RsaEncryption:
                KeyAlgorithm = "RSA";
                break;
            case Oids.MlDsa44 or Oids.MlDsa65 or Oids.MlDsa87:
                // RFC 9908 with RFC 9881: the ML-DSA OID alone names both the key and the signature algorithm.
                KeyAlgorithm = new PublicKeyKind(oid, null, 0).Name;
                break;
            case Oids.EcdsaWithSha256 or Oids.EcdsaWithSha384 or Oids.EcdsaWithSha512
                or Oids.Sha256WithRsa or Oids.Sha384WithRsa or Oids.Sha512WithRsa or Oids.RsaPss:
                SignatureAlgorithm = oid;
                Hash = oid switch
                {
                    Oids.EcdsaWithSha384 or Oids.Sha384WithRsa => "SHA-384",
                    Oids.EcdsaWithSha512 or Oids.Sha512WithRsa => "SHA-512",
                    _ => "SHA-256",
                };
                break;
            case Oids.ChallengePassword:
                WantsChallengePassword = true;
                break;
            default:
                if (HashToSignature.TryGetValue(oid, out var hash))
                {
                    Hash = hash;
                }
                else
                {
                    _requested.Add(oid);
                }

                break;
        }
    }

    /// <summary>Extensions ::= SEQUENCE OF Extension (RFC 5280), or an ExtensionTemplate where extnValue may be absent (RFC 9908).</summary>
    private void ReadExtensions(AsnReader reader)
    {
        var list = reader.ReadSequence();
        while (list.HasData)
        {
            var extension = list.ReadSequence();
            _extensions.Add(extension.ReadObjectIdentifier());
        }
    }

    /// <summary>
    /// CertificationRequestInfoTemplate (RFC 9908): SEQUENCE { version, subject NameTemplate OPTIONAL,
    /// subjectPKInfo [0] OPTIONAL, attributes [1] }. Read for the subject types, key and extensions it names.
    /// </summary>
    private void ReadTemplate(ReadOnlyMemory<byte> value)
    {
        var template = new AsnReader(value, AsnEncodingRules.BER).ReadSequence();
        template.ReadEncodedValue(); // version
        if (template.HasData && template.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
        {
            var rdns = template.ReadSequence();
            while (rdns.HasData)
            {
                var rdn = rdns.ReadSetOf(skipSortOrderValidation: true);
                while (rdn.HasData)
                {
                    var atv = rdn.ReadSequence();
                    var type = atv.ReadObjectIdentifier();
                    string? fixedValue = null;
                    if (atv.HasData)
                    {
                        try
                        {
                            fixedValue = CertificationRequest.ReadDirectoryString(atv.ReadEncodedValue());
                        }
                        catch (EstProtocolException)
                        {
                            fixedValue = null;
                        }
                    }

                    _templateSubject.Add(new(type, fixedValue));
                }
            }
        }

        var spkiTag = new Asn1Tag(TagClass.ContextSpecific, 0, isConstructed: true);
        if (template.HasData && template.PeekTag().HasSameClassAndValue(spkiTag))
        {
            var spki = template.ReadSequence(spkiTag);
            var algorithm = spki.ReadSequence();
            var oid = algorithm.ReadObjectIdentifier();
            KeyAlgorithm = oid switch
            {
                Oids.EcPublicKey => "EC",
                Oids.RsaEncryption => "RSA",
                _ => KeyAlgorithm,
            };
            if (oid == Oids.EcPublicKey && algorithm.HasData && algorithm.PeekTag().HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
            {
                Curve = PublicKeyKind.CurveName(algorithm.ReadObjectIdentifier());
            }
        }

        var attributesTag = new Asn1Tag(TagClass.ContextSpecific, 1, isConstructed: true);
        if (template.HasData && template.PeekTag().HasSameClassAndValue(attributesTag))
        {
            var attributes = template.ReadSetOf(skipSortOrderValidation: true, attributesTag);
            while (attributes.HasData)
            {
                var attribute = attributes.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                var values = attribute.ReadSetOf(skipSortOrderValidation: true);
                while (values.HasData)
                {
                    var v = values.ReadEncodedValue();
                    if (type is Oids.ExtensionRequest or ExtensionRequestTemplateOid)
                    {
                        ReadExtensions(new AsnReader(v, AsnEncodingRules.BER));
                    }
                }

                if (type is not (Oids.ExtensionRequest or ExtensionRequestTemplateOid))
                {
                    _requested.Add(type);
                }
            }
        }
    }
}
