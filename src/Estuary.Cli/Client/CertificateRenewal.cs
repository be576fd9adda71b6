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
        var issued = await client.SimpleReenrollAsync(csr, cancellationToken);
        List<X509Certificate2>? chain = null;
        if (chainOut is not null)
        {
            chain = CertificateView.ChainOrder((await client.GetCaCertsAsync(cancellationToken)).Certificates);
        }

        if (replacement is not null || !string.Equals(Path.GetFullPath(keyOut), Path.GetFullPath(keyPath), StringComparison.Ordinal))
        {
            CredentialFiles.WriteText(keyOut, CredentialFiles.KeyPem(signingKey), secret: true);
        }

        CredentialFiles.WriteText(certOut, CredentialFiles.CertificatesPem([issued.Certificate]), secret: false);
        if (chainOut is not null)
        {
            CredentialFiles.WriteText(chainOut, CredentialFiles.CertificatesPem(chain!), secret: false);
        }

        return new Outcome(issued.Certificate, spec, replacement is not null);
    }
}
