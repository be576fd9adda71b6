using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>
/// One renewal (RFC 7030 §4.2.2): authenticate with the current certificate over TLS, send a CSR with the same
/// subject and subjectAltName signed by the same key (or a new one), then replace the files, each atomically;
/// the key is written before the certificate so that a reader never pairs a new certificate with an old key.
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
        using var identity = CredentialFiles.ReadIdentity(certPath, keyPath);
        using var currentKey = CredentialFiles.PrivateKeyOf(identity);
        var options = new EstClientOptions
        {
            Server = connection.Server,
            Label = connection.Label,
            TrustAnchors = connection.TrustAnchors,
            TrustFingerprint = connection.TrustFingerprint,
            Username = connection.Username,
            Password = connection.Password,
            SendCredentialsUpFront = connection.SendCredentialsUpFront,
            ClientCertificate = identity,
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
        var issued = await client.SimpleReenrollAsync(csr, cancellationToken);
        try
        {
            if (replacement is not null || !string.Equals(Path.GetFullPath(keyOut), Path.GetFullPath(keyPath), StringComparison.Ordinal))
            {
                CredentialFiles.WriteText(keyOut, CredentialFiles.KeyPem(signingKey), secret: true);
            }

            CredentialFiles.WriteText(certOut, CredentialFiles.CertificatesPem([issued.Certificate]), secret: false);
            if (chain is not null)
            {
                CredentialFiles.WriteText(chainOut!, CredentialFiles.CertificatesPem(chain), secret: false);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var folder = OutputFiles.SaveToFallback(signingKey.ExportPkcs8PrivateKey(), issued.Certificate, chain ?? [], e);
            throw new CliFailure(
                ExitCodes.SavedElsewhere,
                "file",
                $"the renewed certificate was issued but could not be written where asked ({UsageErrors.Plain(e.Message)}); the certificate, its chain and its key were saved to {folder} instead",
                "move the files from that folder to where they belong (key.pem is the private key, mode 0600)",
                new Dictionary<string, object?> { ["fallback"] = folder },
                e);
        }

        return new Outcome(issued.Certificate, spec, replacement is not null);
    }
}
