using System.CommandLine;
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
            enrollment.ReadSubject(result); // fail on a bad subject before any network traffic
            using var client = new EstClient(common.Build(result));
            var attributes = result.GetValue(enrollment.NoCsrAttrs) ? null : await client.GetCsrAttributesAsync(cancellationToken);
            var spec = enrollment.ChooseKey(result, attributes);
            using var key = spec.Generate();
            var csr = enrollment.BuildCsr(result, key, attributes);
            var issued = await client.SimpleEnrollAsync(csr, cancellationToken);
            var cacerts = await client.GetCaCertsAsync(cancellationToken);
            var chain = CertificateView.ChainOrder(cacerts.Certificates);
            var files = enrollment.WriteFiles(result, key.ExportPkcs8PrivateKey(), issued.Certificate, chain);
            return Report(console, "Enrolled", spec, issued.Certificate, files, attributes);
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

        console.Say($"{verb}: {ClientConsole.Escape(certificate.Subject)} ({spec.Name} key)");
        console.Table(CertificateView.ToTable([certificate]));
        foreach (var (what, path) in files)
        {
            console.Say($"  {what,-5} {ClientConsole.Escape(path)}");
        }

        if (attributes is { RequestedOids.Count: > 0 })
        {
            console.Say("Note: the server's csrattrs also names " + string.Join(", ", attributes.RequestedOids.Select(OidNames.Describe)) + "; pass them with --subject if your CA requires them.");
        }

        return ExitCodes.Ok;
    }
}
