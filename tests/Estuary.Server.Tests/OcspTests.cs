using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>The OCSP responder (RFC 6960) driven by the openssl ocsp client over real TLS.</summary>
public sealed class OcspTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private string OcspUrl => server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp";

    [Fact]
    public async Task Openssl_ocsp_gets_good_then_revoked_with_a_verified_response_and_nonce()
    {
        using var files = new PkiFiles();
        var (certificate, ee) = await EnrollAsync(files, "CN=ocsp-subject");
        var common = $"-issuer {Issuing(files)} -cert {ee} -url {OcspUrl} -CAfile {Root(files)}";

        var (goodCode, good) = await Processes.RunAsync("openssl", "ocsp " + common);
        Assert.True(goodCode == 0, good);
        Assert.Contains("Response verify OK", good, StringComparison.Ordinal);
        Assert.Contains($"{ee}: good", good, StringComparison.Ordinal);
        Assert.DoesNotContain("WARNING: no nonce", good, StringComparison.Ordinal);

        var revoked = await server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(revoked.IsSuccess);

        var (revokedCode, bad) = await Processes.RunAsync("openssl", "ocsp " + common);
        Assert.True(revokedCode == 0, bad);
        Assert.Contains("Response verify OK", bad, StringComparison.Ordinal);
        Assert.Contains($"{ee}: revoked", bad, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", bad, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_ocsp_gets_unknown_for_a_serial_never_issued()
    {
        using var files = new PkiFiles();
        var (code, output) = await Processes.RunAsync("openssl", $"ocsp -issuer {Issuing(files)} -serial 0x4ABCDEF0123456789ABCDEF012345678 -url {OcspUrl} -CAfile {Root(files)}");

        Assert.True(code == 0, output);
        Assert.Contains("Response verify OK", output, StringComparison.Ordinal);
        Assert.Contains("0x4ABCDEF0123456789ABCDEF012345678: unknown", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_GET_request_in_the_URL_is_answered_and_cacheable_until_next_update()
    {
        using var files = new PkiFiles();
        var (_, ee) = await EnrollAsync(files, "CN=ocsp-get");
        var requestFile = files.File_("req.der");
        var (reqCode, reqOutput) = await Processes.RunAsync("openssl", $"ocsp -issuer {Issuing(files)} -cert {ee} -no_nonce -reqout {requestFile}");
        Assert.True(reqCode == 0, reqOutput);
        var encoded = Uri.EscapeDataString(Convert.ToBase64String(await File.ReadAllBytesAsync(requestFile)));

        using var client = server.CreateClient();
        using var response = await client.GetAsync(new Uri(OcspUrl + "/" + encoded));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/ocsp-response", response.Content.Headers.ContentType!.MediaType);
        Assert.True(response.Headers.CacheControl!.MaxAge > TimeSpan.FromMinutes(50));
        var responseFile = files.File_("resp.der");
        await File.WriteAllBytesAsync(responseFile, await response.Content.ReadAsByteArrayAsync());

        var (code, output) = await Processes.RunAsync("openssl", $"ocsp -respin {responseFile} -issuer {Issuing(files)} -cert {ee} -no_nonce -CAfile {Root(files)}");
        Assert.True(code == 0, output);
        Assert.Contains("Response verify OK", output, StringComparison.Ordinal);
        Assert.Contains($"{ee}: good", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("post-garbage")]
    [InlineData("post-empty")]
    [InlineData("get-not-base64")]
    [InlineData("get-base64-of-garbage")]
    public async Task A_malformed_request_gets_the_OCSP_malformedRequest_response(string shape)
    {
        using var client = server.CreateClient();
        HttpResponseMessage response;
        if (shape.StartsWith("post", StringComparison.Ordinal))
        {
            var content = new ByteArrayContent(shape == "post-empty" ? [] : [0x30, 0x82, 0xFF, 0x01, 0x02]);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/ocsp-request");
            response = await client.PostAsync(new Uri(OcspUrl), content);
        }
        else
        {
            response = await client.GetAsync(new Uri(OcspUrl + "/" + (shape == "get-not-base64" ? "%%%not*base64" : "MAMCAQE%3D")));
        }

        using (response)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            // OCSPResponse ::= SEQUENCE { responseStatus ENUMERATED malformedRequest(1) }
            Assert.Equal(new byte[] { 0x30, 0x03, 0x0A, 0x01, 0x01 }, await response.Content.ReadAsByteArrayAsync());
        }
    }

    [Fact]
    public async Task A_POST_with_the_wrong_content_type_gets_415_with_a_reason()
    {
        using var client = server.CreateClient();
        using var response = await client.PostAsync(new Uri(OcspUrl), new StringContent("hello"));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("application/ocsp-request", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_responder_certificate_is_a_delegated_OCSP_signer_with_nocheck_issued_by_the_issuing_CA()
    {
        var signer = server.GetRequiredService<OcspService>().Signer.Certificate;
        var issuing = server.GetRequiredService<CertificateAuthority>();

        Assert.True(issuing.IssuedThis(signer));
        Assert.Contains(signer.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<System.Security.Cryptography.Oid>(), o => o.Value == Oids.OcspSigning);
        Assert.NotNull(signer.Extensions[OcspSigningIdentity.OcspNoCheckOid]);
        Assert.True(File.Exists(Path.Combine(server.DataDir, OcspSigningIdentity.KeyFile)));
        Assert.Contains("ENCRYPTED PRIVATE KEY", File.ReadAllText(Path.Combine(server.DataDir, OcspSigningIdentity.KeyFile)), StringComparison.Ordinal);
    }

    private string Root(PkiFiles files) => files.Certificates("root.pem", server.RootCertificate);

    private string Issuing(PkiFiles files) => files.Certificates("issuing.pem", server.GetRequiredService<CertificateAuthority>().Certificate);

    private async Task<(X509Certificate2 Certificate, string Path)> EnrollAsync(PkiFiles files, string subject)
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        var certificate = await EstWire.EnrollAsync(basic, subject, key);
        return (certificate, files.Certificates("ee.pem", certificate));
    }
}
