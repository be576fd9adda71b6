using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

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
            _ => throw new CliUsageException("the key is neither ECDSA nor RSA"),
        };
        var collection = new X509Certificate2Collection(withKey);
        collection.AddRange(chain.ToArray());
        var pbe = new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);
        return collection.ExportPkcs12(pbe, password);
    }

    public static AsymmetricAlgorithm LoadKey(byte[] pkcs8)
    {
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
