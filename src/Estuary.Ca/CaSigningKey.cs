using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;

namespace Estuary.Ca;

/// <summary>
/// A CA private key that signs. The key never leaves this object: a software key lives in process
/// memory (loaded from an encrypted file), a hardware key stays in its token and only signs.
/// </summary>
public abstract class CaSigningKey : IDisposable
{
    /// <summary>The DER AlgorithmIdentifier of the signatures this key makes (RFC 5280 §4.1.1.2).</summary>
    public abstract ReadOnlyMemory<byte> SignatureAlgorithm { get; }

    /// <summary>Signs data, returning the signature as it goes into a BIT STRING.</summary>
    public abstract byte[] Sign(ReadOnlySpan<byte> data);

    /// <summary>A BCL signature generator for the X509 builders (CRLs, CA certificates).</summary>
    public abstract X509SignatureGenerator CreateSignatureGenerator();

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>The AlgorithmIdentifier DER for a signature algorithm OID (ECDSA: no parameters; RSA: NULL).</summary>
    public static byte[] EncodeAlgorithmIdentifier(string oid, bool nullParameters)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(oid);
            if (nullParameters)
            {
                writer.WriteNull();
            }
        }

        return writer.Encode();
    }

    public static string SignatureOid(AsymmetricAlgorithm key, HashAlgorithmName hash) => (key, hash.Name) switch
    {
        (ECDsa, "SHA256") => Oids.EcdsaWithSha256,
        (ECDsa, "SHA384") => Oids.EcdsaWithSha384,
        (ECDsa, "SHA512") => Oids.EcdsaWithSha512,
        (RSA, "SHA256") => Oids.Sha256WithRsa,
        (RSA, "SHA384") => Oids.Sha384WithRsa,
        (RSA, "SHA512") => Oids.Sha512WithRsa,
        _ => throw new CryptographicException($"no signature algorithm for {key.GetType().Name} with {hash.Name}"),
    };
}
