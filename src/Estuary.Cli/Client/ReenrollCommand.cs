using System.CommandLine;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>
/// `estuary reenroll`: renew a certificate now (RFC 7030 §4.2.2), authenticating with it over TLS — or, for an ML-DSA
/// certificate, through /fullcmc by signing the request with it (<see cref="CertificateRenewal"/>).
/// </summary>
internal static class ReenrollCommand
{
    public static Command Create()
    {
        var common = new ClientOptions();
        var rekey = new Option<bool>("--rekey") { Description = "Generate a new key instead of reusing the current one" };
        var keyType = new Option<string?>("--key-type") { Description = "Key type for --rekey (default: the current key's type)" };
        var outDir = new Option<string?>("--out-dir") { Description = "Write key.pem, cert.pem and chain.pem there instead of replacing --cert and --key in place" };
        var chainFile = new Option<string?>("--chain") { Description = "Also write the CA chain to this file (default with --out-dir: chain.pem there)" };
        var force = new Option<bool>("--force") { Description = "With --out-dir: replace key.pem, cert.pem and chain.pem there if they exist" };
        var command = new Command("reenroll", "Renew the certificate given by --cert/--key, authenticating with it (TLS client certificate; an ML-DSA certificate signs a /fullcmc request instead).") { rekey, keyType, outDir, chainFile, force };
        common.Cert.Description = "The current certificate (PEM): renewed, and used for TLS client authentication";
        common.Key.Description = "The current private key (PEM)";
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "reenroll", async console =>
        {
            var certPath = result.GetValue(common.Cert) ?? throw new CliUsageException("reenroll needs the current certificate: --cert FILE --key FILE");
            var keyPath = result.GetValue(common.Key) ?? throw new CliUsageException("reenroll needs the current key: --key FILE");
            KeySpec? spec = null;
            if (result.GetValue(keyType) is { } text)
            {
                try
                {
                    spec = KeySpec.Parse(text);
                }
                catch (ArgumentException e)
                {
                    throw new CliUsageException("--key-type: " + e.Message, e);
                }
            }

            var dir = result.GetValue(outDir);
            var certOut = dir is null ? certPath : Path.Combine(dir, "cert.pem");
            var keyOut = dir is null ? keyPath : Path.Combine(dir, "key.pem");
            var chainOut = result.GetValue(chainFile) ?? (dir is null ? null : Path.Combine(dir, "chain.pem"));

            // Before anything is sent: the folders are writable, and with --out-dir nothing is replaced without --force
            // (in place, replacing --cert and --key is what reenroll is for).
            foreach (var folder in new[] { certOut, keyOut, chainOut }.OfType<string>().Select(p => Path.GetDirectoryName(Path.GetFullPath(p))!).Distinct())
            {
                OutputFiles.EnsureWritableFolder(folder, dir is null ? "--cert" : "--out-dir");
            }

            if (dir is not null && !result.GetValue(force) && new[] { certOut, keyOut, chainOut }.OfType<string>().FirstOrDefault(File.Exists) is { } existing)
            {
                throw new CliUsageException($"{Path.GetFullPath(existing)} exists; pass --force to replace it, or choose another --out-dir");
            }
            // The connection options are built without the identity: RenewAsync loads it from --cert/--key.
            var connection = common.Build(result, identity: null, readIdentity: false);
            var outcome = await CertificateRenewal.RenewAsync(connection, certPath, keyPath, result.GetValue(rekey), spec, certOut, keyOut, chainOut, cancellationToken);
            var files = new Dictionary<string, string> { ["key"] = Path.GetFullPath(keyOut), ["cert"] = Path.GetFullPath(certOut) };
            if (chainOut is not null)
            {
                files["chain"] = Path.GetFullPath(chainOut);
            }

            return EnrollCommand.Report(console, outcome.Rekeyed ? "Renewed with a new key" : "Renewed", outcome.Key, outcome.Certificate, files, null);
        }));
        return command;
    }
}
