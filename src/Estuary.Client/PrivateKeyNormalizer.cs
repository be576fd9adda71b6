using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Client;

/// <summary>
/// Turns the private key of a serverkeygen answer into PKCS#8 PrivateKeyInfo (RFC 5958), which RFC 7030
/// §4.4.2 requires. Stock libest 3.2.0 labels a PKCS#1 RSAPrivateKey (RFC 8017 A.1.2) as application/pkcs8,
/// and some servers send a SEC1 ECPrivateKey (RFC 5915): both are recognised by their first fields and wrapped.
/// </summary>
public static class PrivateKeyNormalizer
{
    /// <exception cref="EstProtocolException">The key is none of PKCS#8, PKCS#1 RSA or SEC1 EC.</exception>
    public static byte[] ToPkcs8(byte[] der)
    {
        try
        {
            var sequence = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
            var version = sequence.ReadInteger();
            var next = sequence.PeekTag();
            if (next.HasSameClassAndValue(Asn1Tag.Sequence))
            {
                // PrivateKeyInfo: version, then the AlgorithmIdentifier SEQUENCE. Prove it loads.
                ValidatePkcs8(der);
                return der;
            }

            if (version.IsZero && next.HasSameClassAndValue(Asn1Tag.Integer))
            {
                // RSAPrivateKey: version 0, then the modulus INTEGER.
                using var rsa = RSA.Create();
                rsa.ImportRSAPrivateKey(der, out _);
                return rsa.ExportPkcs8PrivateKey();
            }

            if (version.IsOne && next.HasSameClassAndValue(Asn1Tag.PrimitiveOctetString))
            {
                // ECPrivateKey: version 1, then the private key OCTET STRING.
                using var ec = ECDsa.Create();
                ec.ImportECPrivateKey(der, out _);
                return ec.ExportPkcs8PrivateKey();
            }
        }
        catch (Exception e) when (e is AsnContentException or CryptographicException)
        {
            throw new EstProtocolException("the server-generated private key is not a readable PKCS#8, PKCS#1 or SEC1 key: " + e.Message, e);
        }

        throw new EstProtocolException("the server-generated private key is not PKCS#8 (RFC 7030 §4.4.2)");
    }

    private static void ValidatePkcs8(byte[] der)
    {
        var info = new AsnReader(der, AsnEncodingRules.BER).ReadSequence();
        info.ReadInteger();
        var algorithm = info.ReadSequence().ReadObjectIdentifier();
        switch (algorithm)
        {
            case Oids.RsaEncryption:
                {
                    using var rsa = RSA.Create();
                    rsa.ImportPkcs8PrivateKey(der, out _);
                    break;
                }

            case Oids.EcPublicKey:
                {
                    using var ec = ECDsa.Create();
                    ec.ImportPkcs8PrivateKey(der, out _);
                    break;
                }

            case Oids.MlDsa44 or Oids.MlDsa65 or Oids.MlDsa87:
                // RFC 9881 §6: any of seed, expandedKey or both (whose halves must agree) reads.
                Protocol.Crypto.MlDsaPrivateKey.ImportPkcs8(der);
                break;

            default:
                // Another algorithm (Ed25519, ML-KEM, …): keep it as sent; the caller decides whether it can use it.
                break;
        }
    }
}
