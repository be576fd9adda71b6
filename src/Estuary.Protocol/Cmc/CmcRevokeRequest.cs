using System.Formats.Asn1;

namespace Estuary.Protocol.Cmc;

/// <summary>
/// The revokeRequest control (RFC 5272 §6.11): RevokeRequest ::= SEQUENCE { issuerName Name, serialNumber
/// INTEGER, reason CRLReason, invalidityDate GeneralizedTime OPTIONAL, passphrase OCTET STRING OPTIONAL,
/// comment UTF8String OPTIONAL }. The passphrase (shared-secret revocation) is read but never kept: Estuary
/// authorizes revocation by the authenticated client, not by a secret in the message.
/// </summary>
/// <param name="IssuerName">The DER Name of the issuer of the certificate to revoke.</param>
/// <param name="SerialHex">Upper-case hex of the serial's INTEGER content octets, as storage keys serials.</param>
/// <param name="Reason">CRLReason code (RFC 5280 §5.3.1).</param>
public sealed record CmcRevokeRequest(ReadOnlyMemory<byte> IssuerName, string SerialHex, int Reason, DateTimeOffset? InvalidityDate = null, string? Comment = null)
{
    /// <exception cref="EstProtocolException">Not a RevokeRequest.</exception>
    public static CmcRevokeRequest Decode(ReadOnlyMemory<byte> der)
    {
        try
        {
            var outer = new AsnReader(der, AsnEncodingRules.BER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var issuer = sequence.ReadEncodedValue();
            _ = new AsnReader(issuer, AsnEncodingRules.BER).ReadSequence(); // Name is a SEQUENCE (RDNSequence)
            var serial = sequence.ReadIntegerBytes();
            var reason = sequence.ReadEnumeratedBytes();
            if (reason.Length is 0 or > 2)
            {
                throw new EstProtocolException("the revokeRequest reason is not a CRLReason");
            }

            var code = reason.Length == 1 ? reason.Span[0] : (reason.Span[0] << 8) | reason.Span[1];
            DateTimeOffset? invalidity = null;
            string? comment = null;
            if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.GeneralizedTime))
            {
                invalidity = sequence.ReadGeneralizedTime();
            }

            if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                sequence.ReadOctetString(); // passphrase: deliberately ignored
            }

            if (sequence.HasData && sequence.PeekTag().HasSameClassAndValue(new Asn1Tag(UniversalTagNumber.UTF8String)))
            {
                comment = sequence.ReadCharacterString(UniversalTagNumber.UTF8String);
            }

            sequence.ThrowIfNotEmpty();
            return new CmcRevokeRequest(issuer.ToArray(), Convert.ToHexString(serial.Span), code, invalidity, comment);
        }
        catch (Exception e) when (e is AsnContentException or FormatException)
        {
            throw new EstProtocolException("a revokeRequest control is not a RevokeRequest (RFC 5272 §6.11): " + e.Message, e);
        }
    }

    /// <summary>The DER of this RevokeRequest (no passphrase: see the type's remarks).</summary>
    public byte[] Encode()
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteEncodedValue(IssuerName.Span);
            var serial = Convert.FromHexString(SerialHex).AsSpan();
            while (serial.Length > 1 && serial[0] == 0)
            {
                serial = serial[1..];
            }

            writer.WriteIntegerUnsigned(serial.Length == 0 ? [0] : serial);
            writer.WriteEnumeratedValue((System.Security.Cryptography.X509Certificates.X509RevocationReason)Reason);
            if (InvalidityDate is { } date)
            {
                writer.WriteGeneralizedTime(date, omitFractionalSeconds: true);
            }

            if (Comment is { } text)
            {
                writer.WriteCharacterString(UniversalTagNumber.UTF8String, text);
            }
        }

        return writer.Encode();
    }
}
