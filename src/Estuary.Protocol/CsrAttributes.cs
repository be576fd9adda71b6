using System.Formats.Asn1;

namespace Estuary.Protocol;

/// <summary>
/// The CSR Attributes response (RFC 7030 §4.5.2, with the ASN.1 of RFC 8951 §4 and the meaning given by
/// RFC 9908): <c>CsrAttrs ::= SEQUENCE SIZE (0..MAX) OF AttrOrOID</c>, where
/// <c>AttrOrOID ::= CHOICE { oid OBJECT IDENTIFIER, attribute Attribute }</c>.
/// </summary>
public sealed class CsrAttributes
{
    public CsrAttributes(IReadOnlyList<CsrAttribute> items) => Items = items;

    public IReadOnlyList<CsrAttribute> Items { get; }

    public bool IsEmpty => Items.Count == 0;

    public byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            foreach (var item in Items)
            {
                if (item.Values is null)
                {
                    writer.WriteObjectIdentifier(item.Oid);
                    continue;
                }

                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(item.Oid);
                    using (writer.PushSetOf())
                    {
                        foreach (var value in item.Values)
                        {
                            writer.WriteEncodedValue(value.Span);
                        }
                    }
                }
            }
        }

        return writer.Encode();
    }

    /// <exception cref="EstProtocolException">Not a DER CsrAttrs.</exception>
    public static CsrAttributes Decode(ReadOnlyMemory<byte> der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.BER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var items = new List<CsrAttribute>();
            while (sequence.HasData)
            {
                var tag = sequence.PeekTag();
                if (tag.HasSameClassAndValue(Asn1Tag.ObjectIdentifier))
                {
                    items.Add(new CsrAttribute(sequence.ReadObjectIdentifier(), null));
                    continue;
                }

                var attribute = sequence.ReadSequence();
                var oid = attribute.ReadObjectIdentifier();
                var set = attribute.ReadSetOf(skipSortOrderValidation: true);
                var values = new List<ReadOnlyMemory<byte>>();
                while (set.HasData)
                {
                    values.Add(set.ReadEncodedValue());
                }

                items.Add(new CsrAttribute(oid, values));
            }

            return new CsrAttributes(items);
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the csrattrs body is not a DER CsrAttrs (RFC 8951 §4): " + e.Message, e);
        }
    }
}

/// <summary>One AttrOrOID: an OID alone (<see cref="Values"/> null) or an attribute with its values (DER each).</summary>
public sealed record CsrAttribute(string Oid, IReadOnlyList<ReadOnlyMemory<byte>>? Values)
{
    public static CsrAttribute OidOnly(string oid) => new(oid, null);

    public static CsrAttribute WithOid(string type, string valueOid)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(valueOid);
        return new CsrAttribute(type, [writer.Encode()]);
    }

    public static CsrAttribute WithInteger(string type, int value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteInteger(value);
        return new CsrAttribute(type, [writer.Encode()]);
    }
}
