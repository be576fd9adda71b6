using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Testing;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// serverkeygen held beyond --max-wait (the Estuary server refuses approval on serverkeygen labels, so a scripted
/// TLS server answers 202 first): the re-run repeats the byte-identical CSR and saves the server's key.
/// </summary>
public sealed class PendingServerKeyGenTests
{
    [Fact]
    public async Task A_held_serverkeygen_is_repeated_with_the_same_request_and_collected()
    {
        using var dir = new TempDir();
        var requests = new List<byte[]>();
        await using var scripted = await ScriptedEstServer.StartAsync(async (context, _, self) =>
        {
            switch (context.Request.Path.Value)
            {
                case "/.well-known/est/csrattrs":
                    context.Response.StatusCode = 204;
                    return;
                case "/.well-known/est/cacerts":
                    await ScriptedEstServer.WriteAsync(context, EstMediaTypes.CertsOnly, EstBase64.Encode(CertsOnly.Encode([self.Ca.RawData]), Base64Layout.SingleLine));
                    return;
            }

            var csr = await ScriptedEstServer.ReadCsrAsync(context);
            lock (requests)
            {
                requests.Add(csr);
                if (requests.Count == 1)
                {
                    context.Response.StatusCode = StatusCodes.Status202Accepted;
                    context.Response.Headers.RetryAfter = "1";
                    return;
                }
            }

            await ScriptedEstServer.WriteAsync(context, "multipart/mixed; boundary=kept", GeneratedKeyAnswer(self.Ca, csr));
        });
        File.WriteAllText(dir["ca.pem"], scripted.Ca.ExportCertificatePem());
        string[] command = ["serverkeygen", "--server", scripted.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", dir["ca.pem"], "--user", "u", "--password", "p", "--cn", "skg-held", "--out-dir", dir["out"], "--max-wait", "0"];

        var held = await Cli.RunAsync(command);

        Assert.True(held.ExitCode == 5, held.ToString());
        Assert.Contains(".estuary-pending", held.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(dir["out/.estuary-pending/request.csr"]));
        Assert.False(File.Exists(dir["out/.estuary-pending/key.pem"])); // the server makes the key

        var collected = await Cli.RunAsync(command);

        Assert.True(collected.ExitCode == 0, collected.ToString());
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0], requests[1]);
        using var certificate = X509Certificate2.CreateFromPemFile(dir["out/cert.pem"], dir["out/key.pem"]);
        Assert.Equal("CN=skg-held", certificate.Subject);
        Assert.False(Directory.Exists(dir["out/.estuary-pending"]));
    }

    /// <summary>RFC 7030 §4.4.2: a new key (application/pkcs8) and its certificate (certs-only) in multipart/mixed.</summary>
    private static byte[] GeneratedKeyAnswer(X509Certificate2 ca, byte[] csrDer)
    {
        var csr = CertificateRequest.LoadSigningRequest(csrDer, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(csr.SubjectName, key, HashAlgorithmName.SHA256);
        using var issued = request.Create(ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), [0x01, 0x23]);
        var body = new StringBuilder()
            .Append("--kept\r\nContent-Type: application/pkcs8\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .Append(Convert.ToBase64String(key.ExportPkcs8PrivateKey())).Append("\r\n")
            .Append("--kept\r\nContent-Type: application/pkcs7-mime; smime-type=certs-only\r\nContent-Transfer-Encoding: base64\r\n\r\n")
            .Append(Convert.ToBase64String(CertsOnly.Encode([issued.RawData]))).Append("\r\n")
            .Append("--kept--\r\n");
        return Encoding.ASCII.GetBytes(body.ToString());
    }
}
