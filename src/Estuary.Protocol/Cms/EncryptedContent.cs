using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Estuary.Protocol.Cms;

/// <summary>
/// The EncryptedContentInfo of an EnvelopedData (RFC 5652 §6.1), one way for every RecipientInfo kind Estuary writes
/// (kari: <see cref="EcdhKeyAgreement"/>; ori KEMRecipientInfo: <see cref="KemRecipientInfo"/>):
/// <code>
/// EncryptedContentInfo ::= SEQUENCE {
///   contentType ContentType,
///   contentEncryptionAlgorithm ContentEncryptionAlgorithmIdentifier,
///   encryptedContent [0] IMPLICIT EncryptedContent OPTIONAL }
/// </code>
/// Written with AES-256-CBC and a random IV as the parameters (RFC 3565 §4.1); read with AES-128/192/256-CBC.
/// </summary>
internal static class EncryptedContent
{
    private const string Aes128CbcOid = "2.16.840.1.101.3.4.1.2";
    private const string Aes192CbcOid = "2.16.840.1.101.3.4.1.22";
    private const string Aes256CbcOid = "2.16.840.1.101.3.4.1.42";
    private static readonly Asn1Tag EncryptedContentTag = new(TagClass.ContextSpecific, 0);

    /// <summary>Encrypts <paramref name="content"/> under the 32-byte <paramref name="cek"/> and writes the EncryptedContentInfo.</summary>
    public static void Write(AsnWriter writer, string contentType, ReadOnlySpan<byte> content, byte[] cek)
    {
        var iv = RandomNumberGenerator.GetBytes(16);
        using var aes = Aes.Create();
        aes.Key = cek;
        var encrypted = aes.EncryptCbc(content, iv);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(contentType);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Aes256CbcOid);
                writer.WriteOctetString(iv);
            }

            writer.WriteOctetString(encrypted, EncryptedContentTag);
        }
    }

    /// <summary>Reads the EncryptedContentInfo next in <paramref name="enveloped"/> and decrypts it with <paramref name="cek"/>.</summary>
    /// <exception cref="EstProtocolException">A content encryption other than AES-CBC.</exception>
    /// <exception cref="CryptographicException">Wrong key or padding.</exception>
    public static byte[] Read(AsnReader enveloped, byte[] cek)
    {
        var eci = enveloped.ReadSequence();
        _ = eci.ReadObjectIdentifier();
        var contentAlgorithm = eci.ReadSequence();
        var cipher = contentAlgorithm.ReadObjectIdentifier();
        if (cipher is not (Aes128CbcOid or Aes192CbcOid or Aes256CbcOid))
        {
            throw new EstProtocolException($"content encryption {cipher} is not supported (AES-CBC only)");
        }

        var iv = contentAlgorithm.ReadOctetString();
        var encrypted = eci.ReadOctetString(EncryptedContentTag);
        using var aes = Aes.Create();
        aes.Key = cek;
        return aes.DecryptCbc(encrypted, iv);
    }
}
