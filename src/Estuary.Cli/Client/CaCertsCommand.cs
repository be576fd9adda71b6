using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>`estuary cacerts`: fetch the CA certificates (RFC 7030 §4.1), verify them, save the chain.</summary>
internal static class CaCertsCommand
{
    public static Command Create()
    {
        var common = new ClientOptions();
        var output = new Option<string>("--out") { Description = "Where to save the CA certificates (PEM, issuing CA first)", DefaultValueFactory = _ => "cacerts.pem" };
        var command = new Command("cacerts", "Fetch, verify and save the EST server's CA certificates.") { output };
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "cacerts", async console =>
        {
            using var client = new EstClient(common.Build(result));
            var cacerts = await client.GetCaCertsAsync(cancellationToken);
            Verify(cacerts);
            var chain = CertificateView.ChainOrder(cacerts.Certificates);
            var path = result.GetValue(output)!;
            CredentialFiles.WriteText(path, CredentialFiles.CertificatesPem(chain), secret: false);
            if (console.IsJson)
            {
                console.WriteJson(new { ok = true, file = Path.GetFullPath(path), bootstrapped = client.Bootstrapped, certificates = chain.Select(CertificateView.ToJson) });
                return ExitCodes.Ok;
            }

            if (client.Bootstrapped)
            {
                console.Say($"Bootstrap: the server's root matches the fingerprint you gave; use --cacert {path} from now on.");
            }

            foreach (var line in CertificateView.ToLines(chain))
            {
                console.Say(line);
            }
            console.Say($"Saved {chain.Count} CA certificate(s) to {path}");
            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>RFC 7030 §4.1.3: every certificate must chain to a root in the same answer and be within its validity.</summary>
    private static void Verify(CaCertificates cacerts)
    {
        var roots = cacerts.Roots.ToList();
        if (cacerts.Certificates.Count == 0 || roots.Count == 0)
        {
            throw new EstClientException(EstClientErrorKind.Protocol, "the /cacerts answer holds no root (self-signed) certificate");
        }

        foreach (var certificate in cacerts.Certificates)
        {
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots.ToArray());
            chain.ChainPolicy.ExtraStore.AddRange(cacerts.Certificates.ToArray());
            if (!chain.Build(certificate))
            {
                var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()));
                throw new EstClientException(EstClientErrorKind.Protocol, $"the CA certificate {certificate.Subject} from /cacerts does not verify: {why}");
            }
        }
    }
}
