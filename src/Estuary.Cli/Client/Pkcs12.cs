using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>PKCS#12 (RFC 7292) with the key, the certificate and its chain, encrypted with AES-256 and PBKDF2-SHA256.</summary>
internal static class Pkcs12
{
    public static byte[] Export(byte[] pkcs8, X509Certificate2 certificate, IEnumerable<X509Certificate2> chain, string password)
    {
        using var key = LoadKey(pkcs8);
        using var withKey = key switch
        {
            ECDsa ec => certificate.CopyWithPrivateKey(ec),
            RSA rsa => certificate.CopyWithPrivateKey(rsa),
            MlDsaKey => throw new CliUsageException("--p12 cannot hold an ML-DSA key here (the BCL writes PKCS#12 through OpenSSL 3.0, which has no ML-DSA): use the PEM key and certificate files"),
            _ => throw new CliUsageException("the key is neither ECDSA nor RSA"),
        };
        var collection = new X509Certificate2Collection(withKey);
        collection.AddRange(chain.ToArray());
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);
        return collection.ExportPkcs12(pbe, password);
    }

    public static AsymmetricAlgorithm LoadKey(byte[] pkcs8)
    {
        if (Protocol.Crypto.MlDsaPrivateKey.IsMlDsaPkcs8(pkcs8))
        {
            return new MlDsaKey(Protocol.Crypto.MlDsaPrivateKey.ImportPkcs8(pkcs8));
        }

        var ec = ECDsa.Create();
        try
        {
            ec.ImportPkcs8PrivateKey(pkcs8, out _);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
            var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa;
        }
    }
}
