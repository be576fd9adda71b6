using System.Security.Cryptography;
using Estuary.Protocol.Crypto;

namespace Estuary.Ca;

/// <summary>
/// CA key files of any family as one kind of thing: encrypted PKCS#8 PEM (RFC 5958 §3, PBES2). ECDSA and RSA keys
/// are written by the BCL; ML-DSA keys in the RFC 9881 §6 seed form through <see cref="EncryptedPkcs8"/>.
/// </summary>
public static class CaKeyFiles
{
    /// <summary>A new in-memory CA key of <paramref name="algorithm"/> (ECDSA, RSA or ML-DSA; ML-KEM cannot sign).</summary>
    public static CaSigningKey Generate(KeyAlgorithm algorithm) => algorithm.Family switch
    {
        KeyFamily.MlDsa => MlDsaSigningKey.Generate(algorithm),
        KeyFamily.Ec or KeyFamily.Rsa => new SoftwareSigningKey(algorithm.Generate(), algorithm.Hash),
        _ => throw new ArgumentException($"{algorithm} cannot sign, so it cannot be a CA key", nameof(algorithm)),
    };

    /// <summary>Writes <paramref name="key"/> encrypted under <paramref name="passphrase"/>, mode 0600.</summary>
    public static void Write(string path, CaSigningKey key, string passphrase)
    {
        switch (key)
        {
            case MlDsaSigningKey mlDsa:
                SecureFile.WriteAllText(path, EncryptedPkcs8.EncryptToPem(mlDsa.Key.ExportPkcs8(), passphrase) + "\n");
                break;
            case SoftwareSigningKey software:
                CaDirectory.WriteKey(path, software.Key, passphrase);
                break;
            default:
                throw new ArgumentException("only in-memory keys are written to files", nameof(key));
        }
    }

    /// <summary>Loads an encrypted CA key file of any family.</summary>
    /// <exception cref="CryptographicException">Wrong passphrase, or not a key of a family Estuary signs with.</exception>
    public static CaSigningKey Load(string path, string passphrase)
    {
        byte[] pkcs8;
        try
        {
            pkcs8 = EncryptedPkcs8.DecryptPem(File.ReadAllText(path), passphrase);
        }
        catch (CryptographicException)
        {
            // Not the scheme written here: the BCL reads what it wrote (or says why not).
            var bcl = CaDirectory.LoadKey(path, passphrase);
            return new SoftwareSigningKey(bcl, IssuingCaFolder.HashOf(bcl));
        }

        try
        {
            if (MlDsaPrivateKey.IsMlDsaPkcs8(pkcs8))
            {
                return new MlDsaSigningKey(MlDsaPrivateKey.ImportPkcs8(pkcs8));
            }

            var key = CaDirectory.LoadKey(path, passphrase);
            return new SoftwareSigningKey(key, IssuingCaFolder.HashOf(key));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
