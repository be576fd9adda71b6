using System.CommandLine;
using System.Security.Cryptography;
using Estuary.Client;
using Estuary.Protocol;

namespace Estuary.Cli.Client;

/// <summary>
/// serverkeygen flags asking for the key encrypted on top of TLS (RFC 7030 §4.4.1): to a certificate of ours
/// (--encrypt-cert/--encrypt-key, AsymmetricDecryptKeyIdentifier: RSA, EC, or ML-KEM — then the server answers with a
/// KEMRecipientInfo, RFC 9629) or under a shared AES key (--kek-id/--kek-file, DecryptKeyIdentifier). The key is
/// decrypted here and saved like an unencrypted one.
/// </summary>
internal sealed class ServerKeyEncryptionOptions
{
    public Option<string?> EncryptCert { get; } = new("--encrypt-cert") { Description = "Certificate (PEM, RSA, EC or ML-KEM, with a subjectKeyIdentifier) the server encrypts the key to; needs --encrypt-key" };

    public Option<string?> EncryptKey { get; } = new("--encrypt-key") { Description = "Private key (PEM PKCS#8; for ML-KEM any RFC 9935 form) of --encrypt-cert, used to decrypt the answer" };

    public Option<string?> KekId { get; } = new("--kek-id") { Description = "Identifier (hex) of a symmetric key the server holds for this account (estuary decrypt-keys set)" };

    public Option<string?> KekFile { get; } = new("--kek-file") { Description = "File with that AES key (16, 24 or 32 bytes, hex text or raw)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { EncryptCert, EncryptKey, KekId, KekFile })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The chosen encryption, or null for a key over TLS only.</summary>
    public ServerKeyEncryption? Read(ParseResult result)
    {
        var cert = result.GetValue(EncryptCert);
        var key = result.GetValue(EncryptKey);
        var kekId = result.GetValue(KekId);
        var kekFile = result.GetValue(KekFile);
        if ((cert is not null || key is not null) && (kekId is not null || kekFile is not null))
        {
            throw new CliUsageException("choose one: --encrypt-cert/--encrypt-key or --kek-id/--kek-file");
        }

        try
        {
            if (cert is not null || key is not null)
            {
                if (cert is null || key is null)
                {
                    throw new CliUsageException("--encrypt-cert and --encrypt-key go together");
                }

                return MlKemCertificate(cert, key) ?? ServerKeyEncryption.ToCertificate(CredentialFiles.ReadIdentity(cert, key));
            }

            if (kekId is not null || kekFile is not null)
            {
                if (kekId is null || kekFile is null)
                {
                    throw new CliUsageException("--kek-id and --kek-file go together");
                }

                return ServerKeyEncryption.WithSymmetricKey(Convert.FromHexString(kekId), DecryptKeysCommand.ReadKey(kekFile));
            }
        }
        catch (Exception e) when (e is ArgumentException or FormatException or IOException or UnauthorizedAccessException)
        {
            throw new CliUsageException(e.Message, e);
        }

        return null;
    }

    /// <summary>
    /// An ML-KEM certificate (RFC 9935) with its PKCS#8 key, read by hand: the BCL on OpenSSL 3.0 cannot attach an
    /// ML-KEM key to a certificate. Null when the certificate is not ML-KEM.
    /// </summary>
    private static ServerKeyEncryption? MlKemCertificate(string certPath, string keyPath)
    {
        var certificates = CredentialFiles.ReadCertificates(certPath, "--encrypt-cert");
        if (certificates.Count == 0 || !MlKemKeys.IsMlKem(certificates[0].PublicKey.Oid.Value))
        {
            return null;
        }

        if (!File.Exists(keyPath))
        {
            throw new CliUsageException($"--encrypt-key {keyPath}: no such file");
        }

        var text = File.ReadAllText(keyPath);
        if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] is not "PRIVATE KEY")
        {
            throw new CliUsageException($"--encrypt-key {keyPath}: not a PEM \"PRIVATE KEY\" (PKCS#8) file");
        }

        var pkcs8 = Convert.FromBase64String(text[fields.Base64Data]);
        try
        {
            return ServerKeyEncryption.ToMlKemCertificate(certificates[0], pkcs8);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }
}
