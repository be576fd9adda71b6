using System.CommandLine;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>
/// `estuary serverkeygen`: the server generates the key (RFC 7030 §4.4). The CSR still carries the subject and
/// names; it is signed with a throwaway key of the wanted type, which tells the server what key to make.
/// </summary>
internal static class ServerKeyGenCommand
{
    public static Command Create()
    {
        var common = new ClientOptions();
        var enrollment = new EnrollmentOptions();
        var encryption = new ServerKeyEncryptionOptions();
        var command = new Command("serverkeygen", "Ask the server to generate the key and the certificate; save key.pem, cert.pem and chain.pem.");
        enrollment.AddTo(command);
        common.AddTo(command);
        encryption.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "serverkeygen", async console =>
        {
            enrollment.ReadSubject(result);
            using var client = new EstClient(common.Build(result));
            var attributes = result.GetValue(enrollment.NoCsrAttrs) ? null : await client.GetCsrAttributesAsync(cancellationToken);
            var spec = enrollment.ChooseKey(result, attributes);
            using var throwaway = spec.Generate();
            var encrypt = encryption.Read(result);
            var csr = enrollment.BuildCsr(result, throwaway, attributes, encrypt is null ? null : [encrypt.CsrAttribute]);
            var generated = encrypt is null
                ? await client.ServerKeyGenAsync(csr, cancellationToken)
                : await client.ServerKeyGenAsync(csr, encrypt, cancellationToken);
            var cacerts = await client.GetCaCertsAsync(cancellationToken);
            var chain = CertificateView.ChainOrder(cacerts.Certificates);
            var files = enrollment.WriteFiles(result, generated.Pkcs8PrivateKey, generated.Certificate, chain);
            using var key = Pkcs12.LoadKey(generated.Pkcs8PrivateKey);
            return EnrollCommand.Report(console, "Server generated", KeySpec.Of(key), generated.Certificate, files, attributes);
        }));
        return command;
    }
}
