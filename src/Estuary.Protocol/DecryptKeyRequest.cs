using System.Formats.Asn1;
using Estuary.Protocol.Asn1;

namespace Estuary.Protocol;

/// <summary>Which kind of key a client named for the encrypted return of a server-generated key.</summary>
public enum DecryptKeyKind
{
    /// <summary>DecryptKeyIdentifier (RFC 7030 §4.4.1.1): a symmetric key both sides already hold (KEKRecipientInfo).</summary>
    Symmetric,

    /// <summary>AsymmetricDecryptKeyIdentifier (RFC 7030 §4.4.1.2): the subjectKeyIdentifier of the client's key (ktri or kari).</summary>
    Asymmetric,
}

/// <summary>
/// The CSR attribute that asks for the server-generated private key to be encrypted on top of TLS
/// (RFC 7030 §4.4.1.1 id-aa-decryptKeyID, §4.4.1.2 id-aa-asymmDecryptKeyID). Both values are an OCTET STRING
/// (DecryptKeyIdentifier ::= OCTET STRING, AsymmetricDecryptKeyIdentifier ::= OCTET STRING).
/// </summary>
public sealed record DecryptKeyRequest(DecryptKeyKind Kind, byte[] KeyIdentifier)
{
    /// <summary>Longest identifier accepted; an SKI is 20 bytes, a KEK id is a short label.</summary>
    public const int MaxIdentifierLength = 256;

    /// <summary>The attribute of a (signature-verified) CSR, or null when it carries neither.</summary>
    /// <exception cref="EstProtocolException">Both attributes, several values, or a value that is not one short OCTET STRING.</exception>
    public static DecryptKeyRequest? Find(byte[] csrDer)
    {
        DecryptKeyRequest? found = null;
        try
        {
            var reader = new AsnReader(csrDer, AsnEncodingRules.DER);
            var request = reader.ReadSequence();
            var info = request.ReadSequence();
            _ = info.ReadInteger(); // version
            _ = info.ReadEncodedValue(); // subject
            _ = info.ReadEncodedValue(); // subjectPKInfo
            if (!info.HasData)
            {
                return null;
            }

            var attributes = info.ReadSetOf(new Asn1Tag(TagClass.ContextSpecific, 0));
            while (attributes.HasData)
            {
                var attribute = attributes.ReadSequence();
                var type = attribute.ReadObjectIdentifier();
                var kind = type switch
                {
                    Oids.DecryptKeyIdentifier => DecryptKeyKind.Symmetric,
                    Oids.AsymmetricDecryptKeyIdentifier => DecryptKeyKind.Asymmetric,
                    _ => (DecryptKeyKind?)null,
                };
                if (kind is not { } k)
                {
                    continue;
                }

                var values = attribute.ReadSetOf();
                var identifier = values.ReadOctetString();
                if (values.HasData || found is not null)
                {
                    throw new EstProtocolException("the CSR must name exactly one decryption key: one DecryptKeyIdentifier or one AsymmetricDecryptKeyIdentifier value (RFC 7030 §4.4.1)");
                }

                if (identifier.Length is 0 or > MaxIdentifierLength)
                {
                    throw new EstProtocolException($"the decryption key identifier must hold 1 to {MaxIdentifierLength} bytes (RFC 7030 §4.4.1)");
                }

                found = new DecryptKeyRequest(k, identifier);
            }
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the decryption key identifier attribute is not an OCTET STRING (RFC 7030 §4.4.1)", e);
        }

        return found;
    }

    /// <summary>Encodes the attribute value (an OCTET STRING) for a CSR: <c>CertificateRequest.OtherRequestAttributes</c>.</summary>
    public static byte[] EncodeValue(ReadOnlySpan<byte> identifier)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(identifier);
        return writer.Encode();
    }
}
