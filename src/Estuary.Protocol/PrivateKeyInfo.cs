using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;

namespace Estuary.Protocol;

/// <summary>
/// PKCS#8 PrivateKeyInfo (RFC 5958 §2) for a server-generated key (RFC 7030 §4.4.2, application/pkcs8).
/// </summary>
public static class PrivateKeyInfo
{
    /// <summary>
    /// Encodes an ECDSA or RSA key. For EC keys the inner ECPrivateKey (RFC 5915 §3) also names its curve in
    /// [0] parameters: RFC 5915 allows omitting it inside PKCS#8, but Bouncy Castle 1.72's EST client turns
    /// the key into a bare SEC1 "EC PRIVATE KEY" that OpenSSL cannot load without the curve.
    /// </summary>
    public static byte[] Encode(AsymmetricAlgorithm key)
    {
        if (key is not ECDsa ec)
        {
            return key.ExportPkcs8PrivateKey();
        }

        var parameters = ec.ExportParameters(includePrivateParameters: false);
        var curveOid = parameters.Curve.Oid?.Value ?? throw new CryptographicException("server-generated EC keys use a named curve");
        var ecPrivateKey = ec.ExportECPrivateKey(); // SEC1 with [0] parameters and [1] publicKey
        try
        {
            var writer = new AsnWriter(AsnEncodingRules.DER);
            using (writer.PushSequence())
            {
                writer.WriteInteger(0);
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.EcPublicKey);
                    writer.WriteObjectIdentifier(curveOid);
                }

                writer.WriteOctetString(ecPrivateKey);
            }

            return writer.Encode();
        }
        finally
        {
            CryptographicOperations.ZeroMemory(ecPrivateKey);
        }
    }
}
