using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>
/// One renewal (RFC 7030 §4.2.2): authenticate with the current certificate over TLS, send a CSR with the same
/// subject and subjectAltName signed by the same key (or a new one), then replace the files, each atomically;
/// the key is written before the certificate so that a reader never pairs a new certificate with an old key.
/// A certificate that cannot be a TLS client certificate here — an ML-DSA key, or an ML-DSA signature, which OpenSSL 3.0
/// refuses to present (docs/PQC.md) — renews through /fullcmc instead, the PKIData signed with the current key and
/// carrying the current certificate (RFC 5272 §3.2.1.3.1), which is the whole authentication.
/// </summary>
internal static class CertificateRenewal
{
    public sealed record Outcome(X509Certificate2 Certificate, KeySpec Key, bool Rekeyed);

    public static async Task<Outcome> RenewAsync(
        EstClientOptions connection,
        string certPath,
        string keyPath,
        bool rekey,
        KeySpec? newKey,
        string certOut,
        string keyOut,
        string? chainOut,
        CancellationToken cancellationToken)
    {
        var current = ReadCurrent(certPath, keyPath);
        using var identity = current.Certificate;
        using var currentKey = current.Key;
        var byCms = NeedsCmc(identity);
        var options = new EstClientOptions
        {
            Server = connection.Server,
            Label = connection.Label,
            TrustAnchors = connection.TrustAnchors,
            TrustFingerprint = connection.TrustFingerprint,

            // By CMS signature the certificate is the only credential: no TLS client certificate, no Basic.
            Username = byCms ? null : connection.Username,
            Password = byCms ? null : connection.Password,
            SendCredentialsUpFront = !byCms && connection.SendCredentialsUpFront,
            ClientCertificate = byCms ? null : identity,
            Timeout = connection.Timeout,
            MaxPendingWait = connection.MaxPendingWait,
            TimeProvider = connection.TimeProvider,
        };
        using var client = new EstClient(options);
        var spec = rekey ? newKey ?? KeySpec.Of(currentKey) : KeySpec.Of(currentKey);
        using var replacement = rekey ? spec.Generate() : null;
        var signingKey = replacement ?? currentKey;
        var csr = CsrBuilder.BuildRenewal(signingKey, identity);
        // The chain before the request: once the certificate is issued, nothing but writing it may remain.
        var chain = chainOut is null ? null : CertificateView.ChainOrder((await client.GetCaCertsAsync(cancellationToken)).Certificates);
        var issued = byCms
            ? (await client.FullCmcReenrollAsync(csr, identity, currentKey, cancellationToken)).Certificate
            : (await client.SimpleReenrollAsync(csr, cancellationToken)).Certificate;
        try
        {
            if (replacement is not null || !string.Equals(Path.GetFullPath(keyOut), Path.GetFullPath(keyPath), StringComparison.Ordinal))
            {
                CredentialFiles.WriteText(keyOut, CredentialFiles.KeyPem(signingKey), secret: true);
            }

            CredentialFiles.WriteText(certOut, CredentialFiles.CertificatesPem([issued]), secret: false);
            if (chain is not null)
            {
                CredentialFiles.WriteText(chainOut!, CredentialFiles.CertificatesPem(chain), secret: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var folder = OutputFiles.SaveToFallback(signingKey.ExportPkcs8PrivateKey(), issued, chain ?? [], e);
            throw new CliFailure(
                ExitCodes.SavedElsewhere,
                "file",
                $"the renewed certificate was issued but could not be written where asked ({UsageErrors.Plain(e.Message)}); the certificate, its chain and its key were saved to {folder} instead",
                "move the files from that folder to where they belong (key.pem is the private key, mode 0600)",
                new Dictionary<string, object?> { ["fallback"] = folder },
                e);
        }

        return new Outcome(issued, spec, replacement is not null);
    }

    private static (X509Certificate2 Certificate, AsymmetricAlgorithm Key) Identity(string certPath, string keyPath)
    {
        var identity = CredentialFiles.ReadIdentity(certPath, keyPath);
        return (identity, CredentialFiles.PrivateKeyOf(identity));
    }

    /// <summary>True when the certificate has an ML-DSA key or signature: OpenSSL 3.0 cannot present it in TLS (docs/PQC.md).</summary>
    private static bool NeedsCmc(X509Certificate2 certificate) =>
        Protocol.Crypto.MlDsa.IsMlDsa(certificate.PublicKey.Oid.Value ?? "") || Protocol.Crypto.MlDsa.IsMlDsa(certificate.SignatureAlgorithm.Value ?? "");

    /// <summary>
    /// The current certificate and its key. A TLS identity (EC/RSA under the main CA) goes through
    /// <see cref="CredentialFiles.ReadIdentity"/>; one that renews by CMS is read as PEM: the certificate, and the PKCS#8
    /// key (the RFC 9881 forms for ML-DSA), which must be the certificate's.
    /// </summary>
    private static (X509Certificate2 Certificate, AsymmetricAlgorithm Key) ReadCurrent(string certPath, string keyPath)
    {
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        }
        catch (Exception e) when (e is CryptographicException or IOException)
        {
            // Not a PEM certificate, or no such file: ReadIdentity says which, in the words it always has.
            return Identity(certPath, keyPath);
        }

        if (!NeedsCmc(certificate))
        {
            certificate.Dispose();
            return Identity(certPath, keyPath);
        }

        AsymmetricAlgorithm key;
        try
        {
            var text = File.ReadAllText(keyPath);
            var pem = PemEncoding.Find(text);
            if (!text[pem.Label].SequenceEqual("PRIVATE KEY"))
            {
                throw new CliUsageException($"--key {keyPath}: a PKCS#8 \"PRIVATE KEY\" PEM is expected, not \"{text[pem.Label]}\"");
            }

            key = Pkcs12.LoadKey(Convert.FromBase64String(text[pem.Base64Data]));
        }
        catch (Exception e) when (e is CryptographicException or IOException or ArgumentException or FormatException)
        {
            certificate.Dispose();
            throw new CliUsageException($"--key {keyPath}: cannot read the private key ({UsageErrors.Plain(e.Message)})", e);
        }

        if (!key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            key.Dispose();
            certificate.Dispose();
            throw new CliUsageException($"--key {keyPath} is not the private key of --cert {certPath}");
        }

        return (certificate, key);
    }
}
