using System.CommandLine;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>The flags every client verb shares: where the server is, how to trust it, how to authenticate.</summary>
internal sealed class ClientOptions
{
    public const string PasswordVariable = "ESTUARY_PASSWORD";

    public Option<string?> Server { get; } = new("--server") { Description = "EST server, https://HOST:PORT (/.well-known/est is appended). Also ESTUARY_SERVER" };

    public Option<string?> Label { get; } = new("--label") { Description = "CA label (the path segment after /.well-known/est)" };

    public Option<string?> CaCert { get; } = new("--cacert") { Description = "Trust anchor file (PEM): the CA root certificate that must have issued the server's TLS certificate" };

    public Option<string?> TrustFingerprint { get; } = new("--trust-fingerprint") { Description = "Bootstrap (RFC 7030 §4.1.1): SHA-256 fingerprint of the CA root, from the CA operator; /cacerts is accepted only if its root matches" };

    public Option<string?> User { get; } = new("--user") { Description = "HTTP Basic user name" };

    public Option<string?> Password { get; } = new("--password") { Description = "HTTP Basic password, sent with the first request (better: environment variable " + PasswordVariable + ")" };

    public Option<string?> Cert { get; } = new("--cert") { Description = "Client certificate (PEM) for TLS client authentication" };

    public Option<string?> Key { get; } = new("--key") { Description = "Private key (PEM) of --cert" };

    public Option<int> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for each answer", DefaultValueFactory = _ => 30 };

    public Option<int> MaxWait { get; } = new("--max-wait") { Description = "Seconds to keep retrying while the server answers 202 (pending approval)", DefaultValueFactory = _ => 300 };

    public Option<bool> Json { get; } = new("--json") { Description = "Print JSON for scripts instead of tables" };

    /// <summary>When false, --cert/--key are not added (verbs that use them for their own meaning add them themselves).</summary>
    public void AddTo(Command command, bool includeIdentity = true)
    {
        command.Options.Add(Server);
        command.Options.Add(Label);
        command.Options.Add(CaCert);
        command.Options.Add(TrustFingerprint);
        command.Options.Add(User);
        command.Options.Add(Password);
        if (includeIdentity)
        {
            command.Options.Add(Cert);
            command.Options.Add(Key);
        }

        command.Options.Add(Timeout);
        command.Options.Add(MaxWait);
        command.Options.Add(Json);
    }

    public static Uri ParseServer(string? text, string flag = "--server")
    {
        text ??= Environment.GetEnvironmentVariable("ESTUARY_SERVER");
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new CliUsageException("no server given: pass --server https://HOST:PORT (or set ESTUARY_SERVER)");
        }

        if (!text.Contains("://", StringComparison.Ordinal))
        {
            text = "https://" + text;
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttps)
        {
            throw new CliUsageException($"{flag} {text}: expected https://HOST:PORT (EST runs over TLS only, RFC 7030 §3.3)");
        }

        return uri;
    }

    /// <summary>Builds the library's options from the flags; <paramref name="identity"/> overrides --cert/--key.</summary>
    /// <param name="readIdentity">False when the caller reads --cert/--key itself (reenroll: an ML-DSA certificate is no TLS identity).</param>
    public EstClientOptions Build(ParseResult result, System.Security.Cryptography.X509Certificates.X509Certificate2? identity = null, string? label = null, Uri? server = null, bool readIdentity = true)
    {
        var anchors = result.GetValue(CaCert) is { } ca ? CredentialFiles.ReadCertificates(ca, "--cacert") : [];
        var fingerprint = result.GetValue(TrustFingerprint);
        if (fingerprint is not null)
        {
            try
            {
                Estuary.Client.TrustFingerprint.Normalize(fingerprint);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--trust-fingerprint: " + e.Message, e);
            }
        }

        var user = result.GetValue(User);
        var password = result.GetValue(Password) ?? Environment.GetEnvironmentVariable(PasswordVariable);
        if (user is not null && password is null)
        {
            throw new CliUsageException($"--user {user} needs a password: pass --password or set {PasswordVariable}");
        }

        if (identity is null && readIdentity && (result.GetValue(Cert), result.GetValue(Key)) is var (c, k) && (c is not null || k is not null))
        {
            if (c is null || k is null)
            {
                throw new CliUsageException("--cert and --key go together");
            }

            identity = CredentialFiles.ReadIdentity(c, k);
        }

        var timeout = result.GetValue(Timeout);
        var maxWait = result.GetValue(MaxWait);
        if (timeout <= 0 || maxWait < 0)
        {
            throw new CliUsageException("--timeout must be positive and --max-wait not negative");
        }

        return new EstClientOptions
        {
            Server = server ?? ParseServer(result.GetValue(Server)),
            Label = label ?? result.GetValue(Label),
            TrustAnchors = anchors,
            TrustFingerprint = fingerprint,
            Username = user,
            Password = user is null ? null : password,
            // The user gave credentials: send them with the first request rather than after a wasted 401 round trip.
            SendCredentialsUpFront = user is not null,
            ClientCertificate = identity,
            Timeout = TimeSpan.FromSeconds(timeout),
            MaxPendingWait = TimeSpan.FromSeconds(maxWait),
        };
    }
}
