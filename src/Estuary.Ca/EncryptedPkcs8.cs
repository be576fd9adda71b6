using System.Formats.Asn1;
using System.Security.Cryptography;

namespace Estuary.Ca;

/// <summary>
/// EncryptedPrivateKeyInfo (RFC 5958 §3) with PBES2 (RFC 8018 §6.2): PBKDF2-HMAC-SHA256, 100,000 iterations,
/// AES-256-CBC — the same scheme the BCL writes for the ECDSA and RSA CA keys, for keys the BCL cannot export
/// itself (ML-DSA on OpenSSL 3.0). Only this scheme is read back: these files are only ever written by Estuary.
/// </summary>
public static class EncryptedPkcs8
{
    private const string Pbes2 = "1.2.840.113549.1.5.13";
    private const string Pbkdf2 = "1.2.840.113549.1.5.12";
    private const string HmacWithSha256 = "1.2.840.113549.2.9";
    private const string Aes256Cbc = "2.16.840.1.101.3.4.1.42";
    private const int Iterations = 100_000;
    private const int MaxIterations = 10_000_000;

    /// <summary>The PEM "ENCRYPTED PRIVATE KEY" of a PKCS#8 PrivateKeyInfo.</summary>
    public static string EncryptToPem(ReadOnlySpan<byte> privateKeyInfo, string passphrase)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var iv = RandomNumberGenerator.GetBytes(16);
        var key = Rfc2898DeriveBytes.Pbkdf2(passphrase, salt, Iterations, HashAlgorithmName.SHA256, 32);
        byte[] encrypted;
        using (var aes = Aes.Create())
        {
            aes.Key = key;
            encrypted = aes.EncryptCbc(privateKeyInfo, iv, PaddingMode.PKCS7);
        }

        CryptographicOperations.ZeroMemory(key);
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Pbes2);
                using (writer.PushSequence())
                {
                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Pbkdf2);
                        using (writer.PushSequence())
                        {
                            writer.WriteOctetString(salt);
                            writer.WriteInteger(Iterations);
                            using (writer.PushSequence())
                            {
                                writer.WriteObjectIdentifier(HmacWithSha256);
                                writer.WriteNull();
                            }
                        }
                    }

                    using (writer.PushSequence())
                    {
                        writer.WriteObjectIdentifier(Aes256Cbc);
                        writer.WriteOctetString(iv);
                    }
                }
            }

            writer.WriteOctetString(encrypted);
        }

        return PemEncoding.WriteString("ENCRYPTED PRIVATE KEY", writer.Encode());
    }

    /// <summary>The PrivateKeyInfo inside a PEM "ENCRYPTED PRIVATE KEY" written by <see cref="EncryptToPem"/>.</summary>
    /// <exception cref="CryptographicException">Another scheme, bad DER, or the wrong passphrase.</exception>
    public static byte[] DecryptPem(string pem, string passphrase)
    {
        try
        {
            var fields = PemEncoding.Find(pem);
            if (pem[fields.Label] != "ENCRYPTED PRIVATE KEY")
            {
                throw new CryptographicException("not an ENCRYPTED PRIVATE KEY");
            }

            var der = Convert.FromBase64String(pem[fields.Base64Data].ToString());
            var info = new AsnReader(der, AsnEncodingRules.DER).ReadSequence();
            var algorithm = info.ReadSequence();
            var parameters = Expect(algorithm, Pbes2).ReadSequence();
            var kdf = Expect(parameters.ReadSequence(), Pbkdf2).ReadSequence();
            var salt = kdf.ReadOctetString();
            if (!kdf.TryReadInt32(out var iterations) || iterations is < 1 or > MaxIterations)
            {
                throw new CryptographicException("unsupported PBKDF2 iteration count");
            }

            var prf = kdf.ReadSequence();
            if (prf.ReadObjectIdentifier() != HmacWithSha256)
            {
                throw new CryptographicException("unsupported PBKDF2 PRF (only HMAC-SHA256 is written here)");
            }

            var iv = Expect(parameters.ReadSequence(), Aes256Cbc).ReadOctetString();
            var encrypted = info.ReadOctetString();
            var key = Rfc2898DeriveBytes.Pbkdf2(passphrase, salt, iterations, HashAlgorithmName.SHA256, 32);
            try
            {
                using var aes = Aes.Create();
                aes.Key = key;
                return aes.DecryptCbc(encrypted, iv, PaddingMode.PKCS7);
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        }
        catch (Exception e) when (e is AsnContentException or FormatException or ArgumentException)
        {
            throw new CryptographicException("not a PBES2 EncryptedPrivateKeyInfo", e);
        }
    }

    private static AsnReader Expect(AsnReader algorithm, string oid) =>
        algorithm.ReadObjectIdentifier() == oid ? algorithm : throw new CryptographicException($"unsupported algorithm (expected {oid})");
}
