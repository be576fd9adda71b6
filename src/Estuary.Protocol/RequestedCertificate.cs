using System.Formats.Asn1;
using Estuary.Protocol.Asn1;

namespace Estuary.Protocol;

/// <summary>
/// What a CSR asks to be certified, decoded once into trusted types: the subject kept byte-exact (its DER goes
/// into the certificate unchanged, RFC 7030 §4.2.2) with its attributes read once, the subjectAltName names typed
/// and syntax-checked (RFC 5280 §4.2.1.6), and the public key. Pure decoding: which names a label allows is
/// the RA's policy, which reads this type and never the CSR's bytes again.
/// </summary>
public sealed class RequestedCertificate
{
    /// <summary>Subject attributes beyond this are refused (a Name of thousands of RDNs is an attack, not a device).</summary>
    public const int MaxSubjectAttributes = 64;

    private RequestedCertificate(CertificationRequest request, IReadOnlyList<SubjectAttribute> subjectAttributes, CsrExtension? subjectAltName, IReadOnlyList<GeneralName> subjectAltNames)
    {
        Request = request;
        SubjectAttributes = subjectAttributes;
        SubjectAltName = subjectAltName;
        SubjectAltNames = subjectAltNames;
    }

    /// <summary>The verified PKCS#10 this was decoded from.</summary>
    public CertificationRequest Request { get; }

    /// <summary>The DER of the subject Name, exactly as the client signed it.</summary>
    public ReadOnlyMemory<byte> Subject => Request.Subject;

    /// <summary>Every AttributeTypeAndValue of the subject, in order.</summary>
    public IReadOnlyList<SubjectAttribute> SubjectAttributes { get; }

    /// <summary>True when the subject is the empty SEQUENCE (RFC 5280 §4.1.2.6: then the SAN carries the identity).</summary>
    public bool SubjectIsEmpty => SubjectAttributes.Count == 0;

    /// <summary>The requested subjectAltName extension as sent, or null.</summary>
    public CsrExtension? SubjectAltName { get; }

    /// <summary>The names of <see cref="SubjectAltName"/>, each syntax-checked for its type; empty without one.</summary>
    public IReadOnlyList<GeneralName> SubjectAltNames { get; }

    public PublicKeyKind PublicKey => Request.PublicKey;

    public ReadOnlyMemory<byte> SubjectPublicKeyInfo => Request.SubjectPublicKeyInfo;

    /// <summary>The values of the subject's commonName attributes.</summary>
    public IEnumerable<string> CommonNames => SubjectAttributes.Where(a => a.Oid == Oids.CommonName).Select(a => a.Value);

    /// <summary>Decodes the subject and subjectAltName of a verified CSR.</summary>
    /// <exception cref="EstProtocolException">A subject value that is not a readable string or holds a control character, or a name of bad syntax; the message says which.</exception>
    public static RequestedCertificate Decode(CertificationRequest request)
    {
        try
        {
            var attributes = ReadSubject(request.Subject);
            var san = request.FindExtension(Oids.SubjectAltName);
            IReadOnlyList<GeneralName> names = [];
            if (san is not null)
            {
                names = GeneralNames.Read(san.Value);
                if (names.Count == 0)
                {
                    // GeneralNames ::= SEQUENCE SIZE (1..MAX) OF GeneralName (RFC 5280 §4.2.1.6).
                    throw new EstProtocolException("the CSR's subjectAltName is empty");
                }

                foreach (var name in names)
                {
                    if (NameSyntax.Problem(name) is { } problem)
                    {
                        throw new EstProtocolException("subjectAltName: " + problem);
                    }
                }
            }

            return new RequestedCertificate(request, attributes, san, names);
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the CSR subject is not a valid DER Name (RFC 5280 §4.1.2.4): " + e.Message, e);
        }
    }

    private static List<SubjectAttribute> ReadSubject(ReadOnlyMemory<byte> subject)
    {
        // Name ::= SEQUENCE OF RelativeDistinguishedName; RDN ::= SET SIZE (1..MAX) OF AttributeTypeAndValue.
        var attributes = new List<SubjectAttribute>();
        var outer = new AsnReader(subject, AsnEncodingRules.DER);
        var rdns = outer.ReadSequence();
        outer.ThrowIfNotEmpty();
        for (var index = 0; rdns.HasData; index++)
        {
            var rdn = rdns.ReadSetOf();
            if (!rdn.HasData)
            {
                throw new EstProtocolException("the CSR subject holds an empty RelativeDistinguishedName (RFC 5280 §4.1.2.4: SET SIZE (1..MAX))");
            }

            while (rdn.HasData)
            {
                if (attributes.Count >= MaxSubjectAttributes)
                {
                    throw new EstProtocolException($"the CSR subject holds more than {MaxSubjectAttributes} attributes");
                }

                var atv = rdn.ReadSequence();
                var type = atv.ReadObjectIdentifier();
                var encoded = atv.ReadEncodedValue();
                atv.ThrowIfNotEmpty();
                string value;
                UniversalTagNumber tag;
                try
                {
                    value = DirectoryString.Decode(encoded, out tag);
                }
                catch (EstProtocolException e)
                {
                    throw new EstProtocolException($"subject attribute {AttributeTypes.Name(type)}: {e.Message}", e);
                }

                if (NameSyntax.IndexOfControl(value) is var at and >= 0)
                {
                    // A newline in a CN forges a line in every log and audit trail that prints the subject.
                    throw new EstProtocolException($"subject attribute {AttributeTypes.Name(type)} holds a control character (U+{(int)value[at]:X4}); no subject value may contain one");
                }

                attributes.Add(new SubjectAttribute(index, type, value, tag));
            }
        }

        return attributes;
    }
}
