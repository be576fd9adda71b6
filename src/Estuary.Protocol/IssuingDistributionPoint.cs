using System.Formats.Asn1;

namespace Estuary.Protocol;

/// <summary>
/// The issuingDistributionPoint CRL extension (RFC 5280 §5.2.5) as Estuary writes it for a partition CRL: the
/// distributionPoint's fullName is one URI (the partition's own URL, the very URI its certificates' cRLDistributionPoints
/// name, so that a relying party's scope check, RFC 5280 §6.3.3 (b)(2), matches), and onlyContainsUserCerts.
/// <code>
/// IssuingDistributionPoint ::= SEQUENCE {
///      distributionPoint          [0] DistributionPointName OPTIONAL,
///      onlyContainsUserCerts      [1] BOOLEAN DEFAULT FALSE,
///      onlyContainsCACerts        [2] BOOLEAN DEFAULT FALSE,
///      onlySomeReasons            [3] ReasonFlags OPTIONAL,
///      indirectCRL                [4] BOOLEAN DEFAULT FALSE,
///      onlyContainsAttributeCerts [5] BOOLEAN DEFAULT FALSE }
/// DistributionPointName ::= CHOICE { fullName [0] GeneralNames, nameRelativeToCRLIssuer [1] RelativeDistinguishedName }
/// </code>
/// The module uses implicit tags, but a tag on a CHOICE is always explicit (X.680 §31.2.7): [0] wraps [0] GeneralNames.
/// </summary>
public sealed record IssuingDistributionPoint(string FullNameUri, bool OnlyContainsUserCerts)
{
    private static readonly Asn1Tag DistributionPointTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag FullNameTag = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag OnlyUserTag = new(TagClass.ContextSpecific, 1);
    private static readonly Asn1Tag UriTag = new(TagClass.ContextSpecific, 6); // GeneralName uniformResourceIdentifier [6] IA5String

    /// <summary>The DER extnValue contents (the SEQUENCE, without the OCTET STRING wrapper).</summary>
    public byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence(DistributionPointTag))
            using (writer.PushSequence(FullNameTag))
            {
                writer.WriteCharacterString(UniversalTagNumber.IA5String, FullNameUri, UriTag);
            }

            // DER (X.690 §11.5): a component equal to its DEFAULT is absent, so FALSE is never written.
            if (OnlyContainsUserCerts)
            {
                writer.WriteBoolean(true, OnlyUserTag);
            }
        }

        return writer.Encode();
    }

    /// <summary>Reads an extension value written by <see cref="Encode"/>: one URI and onlyContainsUserCerts, nothing else.</summary>
    /// <exception cref="EstProtocolException">Not DER, trailing data, or any other form.</exception>
    public static IssuingDistributionPoint Decode(ReadOnlyMemory<byte> extensionValue)
    {
        try
        {
            var outer = new AsnReader(extensionValue, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var point = sequence.ReadSequence(DistributionPointTag);
            var fullName = point.ReadSequence(FullNameTag);
            point.ThrowIfNotEmpty();
            var uri = fullName.ReadCharacterString(UniversalTagNumber.IA5String, UriTag);
            fullName.ThrowIfNotEmpty();
            var onlyUser = false;
            if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(OnlyUserTag))
            {
                onlyUser = sequence.ReadBoolean(OnlyUserTag);
                if (!onlyUser)
                {
                    throw new EstProtocolException("onlyContainsUserCerts FALSE is its DEFAULT and must be absent in DER (X.690 §11.5)");
                }
            }

            sequence.ThrowIfNotEmpty();
            return new IssuingDistributionPoint(uri, onlyUser);
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("not an issuingDistributionPoint with one URI", e);
        }
    }
}
