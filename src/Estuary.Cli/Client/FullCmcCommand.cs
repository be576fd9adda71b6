using System.CommandLine;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;
using Estuary.Ra;

namespace Estuary.Cli.Client;

/// <summary>
/// `estuary fullcmc`: enroll through /fullcmc (RFC 7030 §4.3) with a Full PKI Request signed by the new key;
/// `estuary fullcmc revoke`: ask for a revocation with the CMC revokeRequest control (RFC 5272 §6.11), signed
/// with and authenticated by the client certificate. A CMC failure exits 1 and names the CMCFailInfo.
/// </summary>
internal static class FullCmcCommand
{
    public static Command Create()
    {
        var common = new ClientOptions();
        var enrollment = new EnrollmentOptions();
        var command = new Command("fullcmc", "Enroll through /fullcmc (CMC, RFC 5272): generate a key, send a signed PKIData, save key.pem, cert.pem and chain.pem. See also `fullcmc revoke`.");
        enrollment.AddTo(command);
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "fullcmc", async console =>
        {
            var subject = enrollment.Check(result);
            var output = enrollment.Outputs(result);
            output.Prepare(result.GetValue(enrollment.Force));
            var connection = common.Build(result);
            using var client = new EstClient(connection);
            var (key, csr, attributes, pending) = await enrollment.KeyAndRequestAsync(result, "fullcmc", connection, subject, output, client, console, cancellationToken);
            using (key)
            {
                var pkcs8 = key.ExportPkcs8PrivateKey();
                pending ??= PendingEnrollment.Save(output.Dir, "fullcmc", connection, csr, pkcs8, TimeProvider.System);
                FullCmcResult issued;
                try
                {
                    issued = await KeptRequest.SendAsync(pending, () => client.FullCmcAsync(csr, key, cancellationToken));
                }
                catch (EstCmcException e)
                {
                    pending.Remove(); // the CA answered failed: this request is over
                    return CmcFailed(console, "fullcmc", e);
                }

                var chain = CertificateView.ChainOrder(issued.OtherCertificates);
                var saved = output.Save(pkcs8, issued.Certificate, chain);
                return KeptRequest.Finish(console, "Enrolled through fullcmc", pending, saved, KeySpec.Of(key), issued.Certificate, attributes);
            }
        }));
        command.Subcommands.Add(CreateRevoke());
        return command;
    }

    private static Command CreateRevoke()
    {
        var common = new ClientOptions();
        var serial = new Option<string?>("--serial") { Description = "Serial (hex) of the certificate to revoke; default: the --cert certificate itself" };
        var reason = new Option<string>("--reason")
        {
            Description = "RFC 5280 CRLReason: " + string.Join(", ", RevocationReasons.Names),
            DefaultValueFactory = _ => "unspecified",
        };
        var command = new Command("revoke", "Revoke a certificate through /fullcmc (CMC revokeRequest), signed with the client certificate --cert/--key.") { serial, reason };
        common.Cert.Description = "Client certificate (PEM): signs the request and authenticates over TLS";
        common.Key.Description = "Private key (PEM) of --cert";
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "fullcmc revoke", async console =>
        {
            var certPath = result.GetValue(common.Cert) ?? throw new CliUsageException("fullcmc revoke signs with a certificate: --cert FILE --key FILE");
            var keyPath = result.GetValue(common.Key) ?? throw new CliUsageException("fullcmc revoke needs the key of --cert: --key FILE");
            if (!RevocationReasons.TryParse(result.GetValue(reason)!, out var code))
            {
                throw new CliUsageException($"--reason {result.GetValue(reason)}: use one of {string.Join(", ", RevocationReasons.Names)}");
            }

            using var identity = CredentialFiles.ReadIdentity(certPath, keyPath);
            var target = result.GetValue(serial) ?? identity.SerialNumber;
            using var client = new EstClient(common.Build(result, identity));
            CmcRevocationResult revoked;
            try
            {
                revoked = await client.FullCmcRevokeAsync(identity, target, code, cancellationToken: cancellationToken);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--serial: " + e.Message, e);
            }
            catch (EstCmcException e)
            {
                return CmcFailed(console, "fullcmc revoke", e);
            }

            if (console.IsJson)
            {
                console.WriteJson(new { ok = true, serial = revoked.Serial, reason = RevocationReasons.Name((int)revoked.Reason), status = revoked.StatusString });
            }
            else
            {
                console.Say($"Revoked: {revoked.StatusString ?? "serial " + revoked.Serial}");
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    /// <summary>The server answered in CMC and refused: exit 1 (Refused) with the CMCStatus and CMCFailInfo.</summary>
    private static int CmcFailed(ClientConsole console, string verb, EstCmcException e)
    {
        console.Error.WriteLine($"estuary {verb}: {e.Message}");
        if (console.IsJson)
        {
            console.WriteJson(new
            {
                ok = false,
                exitCode = ExitCodes.Refused,
                error = "CmcFailed",
                message = e.Message,
                cmcStatus = EstCmcException.Describe(new(e.Status, e.BodyList)),
                failInfo = e.FailInfo is { } f ? char.ToLowerInvariant(f.ToString()[0]) + f.ToString()[1..] : null,
                statusString = e.StatusString,
            });
        }

        return ExitCodes.Refused;
    }
}
