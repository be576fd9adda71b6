using System.CommandLine;
using System.Security.Cryptography;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>`estuary enroll`: generate a key here, build the CSR, /simpleenroll (RFC 7030 §4.2.1), save the files.</summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var common = new ClientOptions();
        var enrollment = new EnrollmentOptions();
        var command = new Command("enroll", "Generate a key, request a certificate for it and save key.pem, cert.pem and chain.pem.");
        enrollment.AddTo(command);
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "enroll", async console =>
        {
            // Everything that can fail without the server fails before the first request.
            var subject = enrollment.Check(result);
            var output = enrollment.Outputs(result);
            output.Prepare(result.GetValue(enrollment.Force));
            var connection = common.Build(result);
            using var client = new EstClient(connection);
            var (key, csr, attributes, pending) = await enrollment.KeyAndRequestAsync(result, "enroll", connection, subject, output, client, console, cancellationToken);
            using (key)
            {
                // The chain first: once the certificate is issued, nothing but writing it may remain.
                var chain = CertificateView.ChainOrder((await client.GetCaCertsAsync(cancellationToken)).Certificates);
                var pkcs8 = key.ExportPkcs8PrivateKey();
                pending ??= PendingEnrollment.Save(output.Dir, "enroll", connection, csr, pkcs8, TimeProvider.System);
                var issued = await KeptRequest.SendAsync(pending, () => client.SimpleEnrollAsync(csr, cancellationToken));
                var saved = output.Save(pkcs8, issued.Certificate, chain);
                return KeptRequest.Finish(console, "Enrolled", pending, saved, KeySpec.Of(key), issued.Certificate, attributes);
            }
        }));
        return command;
    }

    public static int Report(ClientConsole console, string verb, KeySpec spec, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, Dictionary<string, string> files, CsrAttributesInfo? attributes)
    {
        if (console.IsJson)
        {
            console.WriteJson(new { ok = true, key = spec.Name, certificate = CertificateView.ToJson(certificate), files });
            return ExitCodes.Ok;
        }

        console.Say($"{verb}: {certificate.Subject} ({spec.Name} key)");
        foreach (var line in CertificateView.ToLines([certificate]))
        {
            console.Say(line);
        }
        foreach (var (what, path) in files)
        {
            console.Say($"  {what,-5} {path}");
        }

        if (attributes is { RequestedOids.Count: > 0 })
        {
            console.Say("Note: the server's csrattrs also names " + string.Join(", ", attributes.RequestedOids.Select(OidNames.Describe)) + "; pass them with --subject if your CA requires them.");
        }

        return ExitCodes.Ok;
    }
}
