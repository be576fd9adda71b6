using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>A server for /fullcmc tests, with a label that accepts RSA keys only, and the compiled Bouncy Castle CMC client.</summary>
public sealed class FullCmcServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:rsaonly:AllowedKeys:0"] = "RSA",
    });

    public string Classes { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Classes = await BouncyCastleJava.CompileAsync(Path.Combine(RepositoryPaths.Root, "tests", "Estuary.Server.Tests", "Java", "BcCmcRequest.java"));
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>/fullcmc (RFC 7030 §4.3) with requests built by Bouncy Castle's own CMC classes.</summary>
public sealed class FullCmcTests(FullCmcServer fixture) : IClassFixture<FullCmcServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private async Task<(string Output, string CertificatePath)> SendAsync(string subject, string label = "", string extra = "")
    {
        var url = Server.EstUrl + (label.Length > 0 ? "/" + label : "");
        var certificate = Path.Combine(fixture.Classes, subject.Replace('=', '-') + ".pem");
        var (code, output) = await BouncyCastleJava.RunAsync(fixture.Classes, "BcCmcRequest",
            $"--url {url} --trust {Server.RootCertificatePath} --user {Server.EstUsername} --pass {Server.EstPassword} --subject {subject} --out {certificate} {extra}");
        Assert.True(code == 0, output);
        return (output, certificate);
    }

    [Fact]
    public async Task A_Bouncy_Castle_PKIData_gets_a_signed_PKIResponse_with_success_and_the_certificate()
    {
        var (output, certificatePath) = await SendAsync("CN=bc-cmc");

        Assert.Contains("http=200 content-type=application/pkcs7-mime; smime-type=CMC-response", output, StringComparison.Ordinal);
        Assert.Contains("signed-by=O=Estuary,CN=Estuary RA", output, StringComparison.Ordinal);
        Assert.Contains("status=0 bodyList=1", output, StringComparison.Ordinal);
        Assert.Contains("certificate=CN=bc-cmc", output, StringComparison.Ordinal);
        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePath));
        var record = await Server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, default);
        Assert.Equal("fullcmc", record!.Operation);

        // The RA signing identity was made on first run, its key encrypted like the CA keys.
        var raKey = await File.ReadAllTextAsync(Path.Combine(Server.DataDir, "ra-signing.key.pem"));
        Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", raKey, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PKIData_signed_by_an_unknown_key_gets_CMC_failed_with_badMessageCheck()
    {
        var (output, _) = await SendAsync("CN=bc-cmc-wrong", extra: "--wrongsigner true");

        Assert.Contains("status=2 failInfo=1 bodyList=1", output, StringComparison.Ordinal);
        Assert.DoesNotContain("certificate=", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_the_profile_refuses_gets_CMC_failed_with_badRequest_and_the_reason()
    {
        var (output, _) = await SendAsync("CN=bc-cmc-ec", label: "rsaonly");

        Assert.Contains("status=2 failInfo=2 bodyList=1 text=key type P-256 is not allowed", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unparseable_bodies_and_wrong_content_types_get_HTTP_errors_because_there_is_no_bodyPartID_to_answer()
    {
        using var client = Server.CreateClient(basicAuth: true);
        using var garbage = new StringContent("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA\n");
        garbage.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pkcs7-mime; smime-type=CMC-request");
        using var bad = await client.PostAsync("fullcmc", garbage);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("not a CMS SignedData", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var pkcs10 = new StringContent("AAAA\n");
        pkcs10.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pkcs10");
        using var wrongType = await client.PostAsync("fullcmc", pkcs10);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, wrongType.StatusCode);
    }
}
