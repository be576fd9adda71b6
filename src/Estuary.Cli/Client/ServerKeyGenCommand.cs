using System.CommandLine;
using Estuary.Client;
using Estuary.Protocol;

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
            var subject = enrollment.Check(result);
            var output = enrollment.Outputs(result);
            output.Prepare(result.GetValue(enrollment.Force));
            var encrypt = encryption.Read(result);
            var connection = common.Build(result);
            using var client = new EstClient(connection);
            var pending = PendingEnrollment.Find(output.Dir);
            CsrAttributesInfo? attributes = null;
            byte[] csr;
            if (pending is not null)
            {
                // RFC 7030 §4.2.3: repeat the same request (its throwaway signing key is not needed again).
                pending.CheckSameAs("serverkeygen", connection, subject);
                csr = pending.Csr;
                console.Say($"Repeating the request kept in {pending.Folder} since {pending.Record.CreatedAt:u}");
            }
            else
            {
                attributes = result.GetValue(enrollment.NoCsrAttrs) ? null : await client.GetCsrAttributesAsync(cancellationToken);
                using var throwaway = enrollment.ChooseKey(result, attributes).Generate();
                csr = enrollment.BuildCsr(result, throwaway, attributes, encrypt is null ? null : [encrypt.CsrAttribute]);
            }

            var chain = CertificateView.ChainOrder((await client.GetCaCertsAsync(cancellationToken)).Certificates);
            pending ??= PendingEnrollment.Save(output.Dir, "serverkeygen", connection, csr, null, TimeProvider.System);
            var generated = await KeptRequest.SendAsync(pending, () => encrypt is null
                ? client.ServerKeyGenAsync(csr, cancellationToken)
                : client.ServerKeyGenAsync(csr, encrypt, cancellationToken));
            if (MlKemKeys.IsMlKemPrivateKey(generated.Pkcs8PrivateKey))
            {
                // An ML-KEM label (RFC 9935): key.pem is the PKCS#8 seed form the server sent; no PKCS#12 (the BCL cannot hold the key).
                if (output.P12 is not null)
                {
                    console.Say("The server generated an ML-KEM key: no PKCS#12 is written, only key.pem, cert.pem and chain.pem");
                    output = new OutputFiles(output.Dir, null, null);
                }

                var savedMlKem = output.Save(generated.Pkcs8PrivateKey, generated.Certificate, chain);
                var spec = new KeySpec("ML-KEM", MlKemKeys.SizeOf(MlKemKeys.ReadPrivateKey(generated.Pkcs8PrivateKey, out _).Parameters));
                return KeptRequest.Finish(console, "Server generated", pending, savedMlKem, spec, generated.Certificate, attributes);
            }

            var saved = output.Save(generated.Pkcs8PrivateKey, generated.Certificate, chain);
            using var key = Pkcs12.LoadKey(generated.Pkcs8PrivateKey);
            return KeptRequest.Finish(console, "Server generated", pending, saved, KeySpec.Of(key), generated.Certificate, attributes);
        }));
        return command;
    }
}
