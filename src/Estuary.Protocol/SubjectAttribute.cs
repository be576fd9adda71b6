using System.Formats.Asn1;

namespace Estuary.Protocol;

/// <summary>
/// One AttributeTypeAndValue of a subject Name (RFC 5280 §4.1.2.4), decoded once: the RDN it belongs to
/// (0 = first), its type, its text, and the ASN.1 string type it was written in. The certificate carries the
/// subject's DER unchanged; this is what policy reads.
/// </summary>
public sealed record SubjectAttribute(int Rdn, string Oid, string Value, UniversalTagNumber Tag)
{
    /// <summary>The short name (CN, O, …) or the dotted OID.</summary>
    public string Name => Asn1.AttributeTypes.Name(Oid);
}
