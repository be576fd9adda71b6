namespace Estuary.Testing;

/// <summary>
/// strongSwan's `pki --est` as a polling EST client (RFC 7030 §4.2.3): a P-256 key and CSR made by openssl,
/// TLS 1.2 (strongSwan 5.9.8 has no 1.3 client) and the plugins it needs, polling every second on 202.
/// </summary>
public static class StrongSwanPki
{
    /// <summary>
    /// Starts `pki --est` for <paramref name="subject"/> against the default label of <paramref name="server"/>
    /// with its bootstrap account; the task ends when pki exits. The certificate (PEM) lands in the returned path.
    /// </summary>
    public static async Task<(Task<(int ExitCode, string Output)> Run, string CertificatePath)> StartPollingEnrollAsync(EstuaryTestServer server, string subject, string directory)
    {
        Directory.CreateDirectory(directory);
        var csr = Path.Combine(directory, "ss.csr");
        var (made, madeText) = await Processes.RunAsync("openssl", $"req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout {directory}/ss.key -subj /{subject.Replace(", ", "/", StringComparison.Ordinal)} -out {csr}");
        if (made != 0)
        {
            throw new InvalidOperationException("openssl req failed: " + madeText);
        }

        var conf = Path.Combine(directory, "strongswan.conf");
        await File.WriteAllTextAsync(conf, "pki {\n  tls {\n    version_max = 1.2\n  }\n}\n");
        var environment = new Dictionary<string, string>
        {
            ["PKI_PLUGINS"] = "random nonce x509 pubkey pkcs1 pkcs7 pkcs8 pem openssl sha1 sha2 hmac gmp drbg",
            ["STRONGSWAN_CONF"] = conf,
        };
        var output = Path.Combine(directory, "ss.pem");
        var run = Processes.RunAsync(
            "sh",
            $"-c \"pki --est --url https://127.0.0.1:{server.BaseUri.Port} --cacert {server.RootCertificatePath} --userpass {server.EstUsername}:{server.EstPassword} --in {csr} --interval 1 --maxpolltime 90 --outform pem > {output}\"",
            environment,
            TimeSpan.FromMinutes(2));
        return (run, output);
    }
}
