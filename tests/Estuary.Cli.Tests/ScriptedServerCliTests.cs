using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Testing;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>The verbs against a scripted Kestrel EST server over TLS: pending approval and a libest serverkeygen answer.</summary>
public sealed class ScriptedServerCliTests
{
    private static async Task AnswerAsync(HttpContext context, ScriptedEstServer self, Func<HttpContext, Task> enroll)
    {
        switch (context.Request.Path.Value)
        {
            case "/.well-known/est/csrattrs":
                context.Response.StatusCode = 204;
                break;
            case "/.well-known/est/cacerts":
                await ScriptedEstServer.WriteAsync(context, EstMediaTypes.CertsOnly, EstBase64.Encode(CertsOnly.Encode([self.Ca.RawData]), Base64Layout.SingleLine));
                break;
            default:
                await enroll(context);
                break;
        }
    }

    private static string WritePem(TempDir dir, X509Certificate2 ca)
    {
        File.WriteAllText(dir["scripted-ca.pem"], ca.ExportCertificatePem());
        return dir["scripted-ca.pem"];
    }

    [Fact]
    public async Task Enroll_waits_out_a_202_and_saves_the_certificate_issued_on_the_second_try()
    {
        using var dir = new TempDir();
        var enrollAttempts = 0;
        await using var scripted = await ScriptedEstServer.StartAsync((context, _, self) => AnswerAsync(context, self, async c =>
        {
            var csr = await ScriptedEstServer.ReadCsrAsync(c);
            if (Interlocked.Increment(ref enrollAttempts) == 1)
            {
                c.Response.StatusCode = 202;
                c.Response.Headers.RetryAfter = "1";
                return;
            }

            await ScriptedEstServer.WriteAsync(c, EstMediaTypes.CertsOnly, self.Issue(csr));
        }));

        var r = await Cli.RunAsync("enroll", "--server", scripted.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", WritePem(dir, scripted.Ca),
            "--user", "u", "--password", "p", "--cn", "approved-later", "--out-dir", dir.Path);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(2, enrollAttempts);
        using var cert = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.Equal("CN=approved-later", cert.Subject);
    }

    [Fact]
    public async Task Enroll_still_pending_after_max_wait_exits_5_and_says_to_come_back()
    {
        using var dir = new TempDir();
        await using var scripted = await ScriptedEstServer.StartAsync((context, _, self) => AnswerAsync(context, self, c =>
        {
            c.Response.StatusCode = 202;
            c.Response.Headers.RetryAfter = "120";
            return Task.CompletedTask;
        }));

        var r = await Cli.RunAsync("enroll", "--server", scripted.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", WritePem(dir, scripted.Ca),
            "--user", "u", "--password", "p", "--cn", "pending", "--out-dir", dir.Path, "--max-wait", "60");

        Assert.Equal(5, r.ExitCode);
        Assert.Contains("approve", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir["key.pem"]));
    }

    [Fact]
    public async Task Serverkeygen_saves_the_key_of_a_stock_libest_answer_as_PKCS8()
    {
        using var dir = new TempDir();
        var vectors = Path.Combine(RepositoryPaths.Shared, "vectors", "libest-server", "stock");
        var body = await File.ReadAllBytesAsync(Path.Combine(vectors, "serverkeygen.multipart"));
        string? authorization = null;
        await using var scripted = await ScriptedEstServer.StartAsync((context, _, self) => AnswerAsync(context, self, c =>
        {
            authorization = c.Request.Headers.Authorization;
            if (string.IsNullOrEmpty(authorization))
            {
                c.Response.StatusCode = 401;
                c.Response.Headers.WWWAuthenticate = "Basic realm=\"estrealm\"";
                return Task.CompletedTask;
            }

            return ScriptedEstServer.WriteAsync(c, "multipart/mixed; boundary=est-server-boundary", body);
        }));

        var r = await Cli.RunAsync("serverkeygen", "--server", scripted.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", WritePem(dir, scripted.Ca),
            "--user", "estuser", "--password", "estpwd", "--cn", "vectors-libest-skg", "--out-dir", dir.Path);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("estuser:estpwd")), authorization); // sent after the 401 challenge
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(dir["key.pem"]), StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["key.pem"]));
        using var cert = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.Equal("CN=vectors-libest-skg", cert.Subject);
        Assert.Equal(4096, cert.GetRSAPublicKey()!.KeySize);
        Assert.Contains("RSA-4096", r.Output, StringComparison.Ordinal);
    }
}
