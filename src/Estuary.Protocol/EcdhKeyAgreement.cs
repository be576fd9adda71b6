using System.Buffers.Binary;
using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Org.BouncyCastle.Crypto.Engines;
using Org.BouncyCastle.Crypto.Parameters;

namespace Estuary.Protocol;

/// <summary>
/// EnvelopedData with one KeyAgreeRecipientInfo (RFC 5652 §6.2.2) for an EC key: ephemeral-static ECDH with
/// dhSinglePass-stdDH-sha256kdf-scheme and AES-256 key wrap (RFC 5753 §3.1, §7.2). Written here rather than
/// with Bouncy Castle 2.7.0, whose kari output OpenSSL 3 cannot unwrap (its ECC-CMS-SharedInfo differs);
/// this one follows RFC 5753 §7.2 byte for byte and is checked against openssl cms in the tests.
/// </summary>
internal static class EcdhKeyAgreement
{
    private const string EnvelopedDataOid = "1.2.840.113549.1.7.3";
    private const string EcPublicKeyOid = "1.2.840.10045.2.1";
    private const string StdDhSha256KdfOid = "1.3.132.1.11.1";
    private const string Aes256WrapOid = "2.16.840.1.101.3.4.1.45";

    public static byte[] Seal(byte[] content, string contentType, X509Certificate2 recipient, byte[] subjectKeyIdentifier)
    {
        using var recipientKey = recipient.PublicKey.GetECDiffieHellmanPublicKey()
            ?? throw new NotSupportedException("the recipient certificate holds no EC key");
        var curve = recipientKey.ExportParameters(false).Curve;
        using var ephemeral = ECDiffieHellman.Create(curve);
        var z = ephemeral.DeriveRawSecretAgreement(recipientKey.PublicKey);
        var kek = Kdf(z, 32);
        var cek = RandomNumberGenerator.GetBytes(32);
        try
        {
            var encryptedKey = Wrap(kek, cek, wrap: true);
            var q = ephemeral.ExportParameters(false).Q;

            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(EnvelopedDataOid);
                using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
                using (writer.PushSequence())
                {
                    writer.WriteInteger(2); // RFC 5652 §6.1: a kari recipient makes version 2
                    using (writer.PushSetOf())
                    using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true))) // kari [1]
                    {
                        writer.WriteInteger(3);
                        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true))) // originator [0] EXPLICIT
                        using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true))) // originatorKey [1] IMPLICIT
                        {
                            // RFC 5753 §3.1.1: id-ecPublicKey with the parameters absent; the curve is the recipient's.
                            using (writer.PushSequence())
                            {
                                writer.WriteObjectIdentifier(EcPublicKeyOid);
                            }

                            writer.WriteBitString([0x04, .. q.X!, .. q.Y!]);
                        }

                        WriteKeyEncryptionAlgorithm(writer);
                        using (writer.PushSequence()) // recipientEncryptedKeys
                        using (writer.PushSequence())
                        {
                            using (writer.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true))) // rKeyId [0] IMPLICIT RecipientKeyIdentifier
                            {
                                writer.WriteOctetString(subjectKeyIdentifier);
                            }

                            writer.WriteOctetString(encryptedKey);
                        }
                    }

                    Cms.EncryptedContent.Write(writer, contentType, content, cek);
                }
            }

            return writer.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(z);
            CryptographicOperations.ZeroMemory(kek);
            CryptographicOperations.ZeroMemory(cek);
        }
    }

    /// <summary>The content of <paramref name="envelopedData"/> if it has a kari for <paramref name="recipient"/>'s EC key; null when it has none.</summary>
    public static byte[]? TryOpen(byte[] envelopedData, X509Certificate2 recipient, ECDiffieHellman privateKey)
    {
        var ski = recipient.Extensions["2.5.29.14"] is X509SubjectKeyIdentifierExtension s ? Convert.FromHexString(s.SubjectKeyIdentifier!) : null;
        var outer = new AsnReader(envelopedData, AsnEncodingRules.BER).ReadSequence();
        if (outer.ReadObjectIdentifier() != EnvelopedDataOid)
        {
            return null;
        }

        var enveloped = outer.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
        _ = enveloped.ReadInteger();
        if (enveloped.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        {
            _ = enveloped.ReadEncodedValue(); // originatorInfo
        }

        var infos = enveloped.ReadSetOf();
        byte[]? cek = null;
        while (infos.HasData && cek is null)
        {
            if (!infos.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
            {
                _ = infos.ReadEncodedValue();
                continue;
            }

            var kari = infos.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true));
            _ = kari.ReadInteger();
            var originator = kari.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 1, true));
            _ = originator.ReadSequence();
            var point = originator.ReadBitString(out _);
            if (kari.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 1, true)))
            {
                throw new EstProtocolException("a ukm in the kari is not supported (RFC 7030 §4.4.2 servers send none)");
            }

            var algorithm = kari.ReadSequence();
            if (algorithm.ReadObjectIdentifier() != StdDhSha256KdfOid || algorithm.ReadSequence().ReadObjectIdentifier() != Aes256WrapOid)
            {
                continue;
            }

            var keys = kari.ReadSequence();
            while (keys.HasData)
            {
                var rek = keys.ReadSequence();
                var rid = rek.ReadEncodedValue();
                var encryptedKey = rek.ReadOctetString();
                if (!RidMatches(rid, recipient, ski))
                {
                    continue;
                }

                var own = privateKey.ExportParameters(false);
                var size = own.Q.X!.Length;
                if (point.Length != 1 + (2 * size) || point[0] != 0x04)
                {
                    throw new EstProtocolException("the originator key of the kari is not an uncompressed point on the recipient's curve");
                }

                using var peer = ECDiffieHellman.Create(new ECParameters { Curve = own.Curve, Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] } });
                var z = privateKey.DeriveRawSecretAgreement(peer.PublicKey);
                var kek = Kdf(z, 32);
                try
                {
                    cek = Wrap(kek, encryptedKey, wrap: false);
                }
                finally
                {
                    CryptographicOperations.ZeroMemory(z);
                    CryptographicOperations.ZeroMemory(kek);
                }

                break;
            }
        }

        if (cek is null)
        {
            return null;
        }

        try
        {
            return Cms.EncryptedContent.Read(enveloped, cek);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(cek);
        }
    }

    private static bool RidMatches(ReadOnlyMemory<byte> rid, X509Certificate2 recipient, byte[]? ski)
    {
        var reader = new AsnReader(rid, AsnEncodingRules.BER);
        if (reader.PeekTag().HasSameClassAndValue(new Asn1Tag(TagClass.ContextSpecific, 0, true)))
        {
            var id = reader.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadOctetString();
            return ski is not null && id.AsSpan().SequenceEqual(ski);
        }

        // issuerAndSerialNumber
        var ias = reader.ReadSequence();
        var issuer = ias.ReadEncodedValue();
        var serial = ias.ReadIntegerBytes();
        return issuer.Span.SequenceEqual(recipient.IssuerName.RawData) && serial.Span.SequenceEqual(recipient.GetSerialNumber().Reverse().ToArray());
    }

    private static void WriteKeyEncryptionAlgorithm(AsnWriter writer)
    {
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(StdDhSha256KdfOid);
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Aes256WrapOid); // RFC 5753 §7.1.4 / RFC 3565: parameters absent
            }
        }
    }

    /// <summary>ANSI X9.63 KDF with SHA-256 over ECC-CMS-SharedInfo (RFC 5753 §7.2): keyInfo, no entityUInfo, suppPubInfo = key bits.</summary>
    private static byte[] Kdf(byte[] z, int length)
    {
        var info = new AsnWriter(AsnEncodingRules.DER);
        using (info.PushSequence())
        {
            using (info.PushSequence())
            {
                info.WriteObjectIdentifier(Aes256WrapOid);
            }

            using (info.PushSequence(new Asn1Tag(TagClass.ContextSpecific, 2, true)))
            {
                var bits = new byte[4];
                BinaryPrimitives.WriteInt32BigEndian(bits, length * 8);
                info.WriteOctetString(bits);
            }
        }

        var sharedInfo = info.Encode();
        var output = new byte[length];
        var counter = new byte[4];
        for (int offset = 0, i = 1; offset < length; offset += SHA256.HashSizeInBytes, i++)
        {
            BinaryPrimitives.WriteInt32BigEndian(counter, i);
            var block = SHA256.HashData([.. z, .. counter, .. sharedInfo]);
            block.AsSpan(0, Math.Min(block.Length, length - offset)).CopyTo(output.AsSpan(offset));
            CryptographicOperations.ZeroMemory(block);
        }

        return output;
    }

    /// <summary>AES key wrap (RFC 3394).</summary>
    private static byte[] Wrap(byte[] kek, byte[] input, bool wrap)
    {
        var engine = new Rfc3394WrapEngine(new AesEngine());
        engine.Init(wrap, new KeyParameter(kek));
        return wrap ? engine.Wrap(input, 0, input.Length) : engine.Unwrap(input, 0, input.Length);
    }
}
