using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Protocol.Coap;
using Estuary.Server.Coaps;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Coaps;

/// <summary>
/// RFC 9148 end to end: libcoap's coap-client over DTLS 1.2 against a real listener on loopback — discovery, /crts
/// (one block and many), /sen with the bootstrap certificate, /sren with the issued one, /skg and /skc, refusals
/// the RA makes exactly as for HTTPS, and the audit record of a CoAP enrollment beside an HTTPS one.
/// </summary>
public sealed class CoapsEnrollmentTests(CoapsServer fixture) : IClassFixture<CoapsServer>
{
    private const string Est = "/.well-known/est";

    [Fact]
    public async Task Discovery_lists_every_est_resource_with_its_resource_type_and_content_formats()
    {
        var result = await CoapClient.RunAsync(fixture.Uri, "/.well-known/core", fixture.RootPem);

        var links = Encoding.UTF8.GetString(Assert.IsType<byte[]>(result.Payload, exactMatch: false));
        Assert.Contains("</.well-known/est/crts>;rt=\"ace.est.crts\";ct=\"281 287\"", links, StringComparison.Ordinal);
        Assert.Contains("</.well-known/est/sen>;rt=\"ace.est.sen\"", links, StringComparison.Ordinal);
        Assert.Contains("</.well-known/est/skg>;rt=\"ace.est.skg\";ct=\"62\"", links, StringComparison.Ordinal);
        Assert.Contains("</.well-known/est/att>;rt=\"ace.est.att\";ct=\"285\"", links, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Crts_is_the_https_cacerts_body_in_binary_der_in_one_block_and_in_many()
    {
        using var https = fixture.Server.CreateClient();
        var cacerts = EstBase64.Decode(await https.GetByteArrayAsync("cacerts"));
        var traffic = fixture.Server.GetRequiredService<CoapsListener>().Traffic;

        var whole = await CoapClient.RunAsync(fixture.Uri, Est + "/crts", fixture.RootPem);
        var sentBefore = traffic.DatagramsSent;
        var blocks = await CoapClient.RunAsync(fixture.Uri, Est + "/crts", fixture.RootPem, blockSize: 64);

        Assert.Equal(cacerts, whole.Payload);
        Assert.Equal(cacerts, blocks.Payload);
        // 64-byte blocks: the body needs more than ten of them, each its own datagram.
        Assert.True(cacerts.Length > 10 * 64, $"the CA certificates are {cacerts.Length} bytes");
        Assert.True(traffic.DatagramsSent - sentBefore > cacerts.Length / 64, $"only {traffic.DatagramsSent - sentBefore} datagrams for {cacerts.Length} bytes");
    }

    [Fact]
    public async Task Crts_refuses_a_bare_certificate_when_the_ca_has_more_than_one()
    {
        var result = await CoapClient.RunAsync(fixture.Uri, Est + "/crts", fixture.RootPem, accept: CoapContentFormat.PkixCert);

        Assert.Contains("4.06", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sen_without_a_client_certificate_is_refused_as_https_refuses_it_without_credentials()
    {
        using var key = TestCsr.NewP256();
        var csr = fixture.WriteDer("anonymous.csr", TestCsr.Create("CN=anonymous", key));
        using var https = fixture.Server.CreateClient();
        using var httpsAnswer = await https.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=anonymous", key)));

        var coap = await CoapClient.RunAsync(fixture.Uri, Est + "/sen", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10);
        var unknownLabel = await CoapClient.RunAsync(fixture.Uri, Est + "/no-such-label/sen", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);

        Assert.Equal(HttpStatusCode.Unauthorized, httpsAnswer.StatusCode);
        Assert.Contains("4.01", coap.Output, StringComparison.Ordinal);
        Assert.Null(coap.Payload is { Length: > 0 } ? coap.Payload : null);
        Assert.Contains("4.04", unknownLabel.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_held_enrollment_answers_503_with_max_age_until_approved_and_the_repeat_collects_the_certificate()
    {
        using var key = TestCsr.NewP256();
        var csr = fixture.WriteDer("held.csr", TestCsr.Create("CN=coaps-held", key));

        // RFC 9148 §4.7: where HTTPS answers 202 + Retry-After, CoAP answers 5.03 Service Unavailable with Max-Age.
        var held = await CoapClient.RunAsync(fixture.Uri, Est + "/held/sen", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);
        Assert.Contains("5.03", held.Output, StringComparison.Ordinal);
        Assert.Contains("waits for approval", held.Output, StringComparison.Ordinal);

        // coap-client does not print options; the Max-Age of the same answer, read with the test's own DTLS client.
        using (var bootstrapKey = ECDsa.Create())
        {
            bootstrapKey.ImportFromPem(File.ReadAllText(fixture.BootstrapKeyPem));
            using var session = CoapDtlsClient.Connect(fixture.Server.GetRequiredService<CoapsListener>().LocalEndPoint!, fixture.Bootstrap, bootstrapKey);
            var answer = session.Exchange(new CoapMessage(
                CoapMessageType.Confirmable,
                CoapCode.Post,
                1,
                [1],
                [
                    CoapOption.FromText(CoapOptionNumber.UriPath, ".well-known"),
                    CoapOption.FromText(CoapOptionNumber.UriPath, "est"),
                    CoapOption.FromText(CoapOptionNumber.UriPath, "held"),
                    CoapOption.FromText(CoapOptionNumber.UriPath, "sen"),
                    CoapOption.FromNumber(CoapOptionNumber.ContentFormat, CoapContentFormat.Pkcs10),
                ],
                File.ReadAllBytes(csr)));
            Assert.Equal(CoapCode.ServiceUnavailable, answer!.Code);
            Assert.Equal(7u, answer.Find(CoapOptionNumber.MaxAge)!.AsUint());
        }

        var queue = fixture.Server.GetRequiredService<Estuary.Ra.ApprovalQueue>();
        var pending = Assert.Single(await queue.ListAsync(PendingRequestStatus.Pending, 50, default), r => r.Subject == "CN=coaps-held");
        Assert.True((await queue.ApproveAsync(pending.Id, "test", default)).IsSuccess);

        var collected = await CoapClient.RunAsync(fixture.Uri, Est + "/held/sen", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);
        using var issued = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(Assert.IsType<byte[]>(collected.Payload, exactMatch: false)).Single());
        Assert.Equal("CN=coaps-held", issued.Subject);
        Assert.True(key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(issued.PublicKey.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public async Task Sen_refuses_a_request_that_is_not_pkcs10()
    {
        var notCsr = fixture.WriteDer("text.bin", Encoding.UTF8.GetBytes("not a CSR"));

        var wrongFormat = await CoapClient.RunAsync(fixture.Uri, Est + "/sen", fixture.RootPem, "post", notCsr, CoapContentFormat.TextPlain, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);
        var garbage = await CoapClient.RunAsync(fixture.Uri, Est + "/sen", fixture.RootPem, "post", notCsr, CoapContentFormat.Pkcs10, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);

        Assert.Contains("4.15", wrongFormat.Output, StringComparison.Ordinal);
        Assert.Contains("4.00", garbage.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sen_then_sren_over_dtls_issue_certificates_that_chain_to_crts_under_openssl_verify()
    {
        using var key = TestCsr.NewP256();
        var csr = fixture.WriteDer("device.csr", TestCsr.Create("CN=coaps-device-1", key));
        var keyPem = fixture.WriteKey("device.key", key);

        var enrolled = await CoapClient.RunAsync(fixture.Uri, Est + "/sen", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);
        using var issued = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(Assert.IsType<byte[]>(enrolled.Payload, exactMatch: false)).Single());
        var issuedPem = fixture.Files.Certificates("device.pem", issued);

        // Re-enrollment authenticates with the certificate being renewed as the DTLS client certificate (RFC 9148 §4.4).
        var renewed = await CoapClient.RunAsync(fixture.Uri, Est + "/sren", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10, CoapContentFormat.PkixCert, issuedPem, keyPem);
        using var renewal = X509CertificateLoader.LoadCertificate(Assert.IsType<byte[]>(renewed.Payload, exactMatch: false));

        Assert.Equal("CN=coaps-device-1", issued.Subject);
        Assert.Equal(issued.SubjectName.RawData, renewal.SubjectName.RawData);
        Assert.NotEqual(issued.SerialNumber, renewal.SerialNumber);
        Assert.True(key.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(renewal.PublicKey.ExportSubjectPublicKeyInfo()));

        var crts = await CoapClient.RunAsync(fixture.Uri, Est + "/crts", fixture.RootPem);
        var chain = CertsOnly.Decode(crts.Payload!).Select(d => X509CertificateLoader.LoadCertificate(d)).ToArray();
        var anchors = fixture.Files.Certificates("crts-root.pem", chain.Where(c => c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToArray());
        var intermediates = fixture.Files.Certificates("crts-issuing.pem", chain.Where(c => !c.SubjectName.RawData.AsSpan().SequenceEqual(c.IssuerName.RawData)).ToArray());
        foreach (var certificate in new[] { issued, renewal })
        {
            var (code, output) = await Processes.RunAsync("openssl", $"verify -x509_strict -CAfile {anchors} -untrusted {intermediates} {fixture.Files.Certificates("check.pem", certificate)}");
            Assert.True(code == 0, output);
            Assert.Contains(": OK", output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Sren_with_a_certificate_this_ca_never_issued_is_refused()
    {
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest("CN=self-made", key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var csr = fixture.WriteDer("self.csr", TestCsr.Create("CN=self-made", key));

        var result = await CoapClient.RunAsync(fixture.Uri, Est + "/sren", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10,
            certificatePem: fixture.Files.Certificates("self.pem", selfSigned), keyPem: fixture.WriteKey("self.key", key));

        Assert.True(result.Output.Contains("4.01", StringComparison.Ordinal) || result.Output.Contains("4.03", StringComparison.Ordinal), result.Output);
        Assert.True(result.Payload is null || result.Payload.Length == 0 || !result.Payload.AsSpan().StartsWith((byte[])[0x30]));
    }

    [Theory]
    [InlineData("skg", CoapContentFormat.CertsOnly)]
    [InlineData("skc", CoapContentFormat.PkixCert)]
    public async Task Server_key_generation_answers_multipart_core_with_a_key_that_matches_its_certificate(string resource, int certificateFormat)
    {
        using var requestKey = TestCsr.NewP256();
        var csr = fixture.WriteDer(resource + ".csr", TestCsr.Create("CN=coaps-" + resource, requestKey));

        // 64-byte blocks both ways: the CSR goes up in Block1 blocks, the answer comes down in Block2 blocks.
        var result = await CoapClient.RunAsync(fixture.Uri, Est + "/" + resource, fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10,
            certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem, blockSize: 64);

        var parts = MultipartCore.Decode(Assert.IsType<byte[]>(result.Payload, exactMatch: false));
        Assert.Equal([CoapContentFormat.Pkcs8, certificateFormat], parts.Select(p => p.ContentFormat));
        var certificateDer = certificateFormat == CoapContentFormat.PkixCert ? parts[1].Payload : CertsOnly.Decode(parts[1].Payload).Single();
        using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        using var generated = ECDsa.Create();
        generated.ImportPkcs8PrivateKey(parts[0].Payload, out _);
        Assert.Equal("CN=coaps-" + resource, certificate.Subject);
        Assert.Equal(generated.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.NotEqual(requestKey.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task A_coap_enrollment_is_audited_as_an_https_enrollment_is()
    {
        using var key = TestCsr.NewP256();
        using var https = fixture.Server.CreateClient(fixture.Bootstrap);
        using var httpsAnswer = await https.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=audit-https", key)));
        Assert.Equal(HttpStatusCode.OK, httpsAnswer.StatusCode);
        var csr = fixture.WriteDer("audit.csr", TestCsr.Create("CN=audit-coaps", key));
        var coap = await CoapClient.RunAsync(fixture.Uri, Est + "/sen", fixture.RootPem, "post", csr, CoapContentFormat.Pkcs10, certificatePem: fixture.BootstrapPem, keyPem: fixture.BootstrapKeyPem);
        Assert.NotNull(coap.Payload);

        var audit = await fixture.Server.GetRequiredService<IEstuaryStore>().ListAuditAsync(200, default);
        var viaHttps = Assert.Single(audit, e => e.Detail.Contains("subject 'CN=audit-https'", StringComparison.Ordinal));
        var viaCoap = Assert.Single(audit, e => e.Detail.Contains("subject 'CN=audit-coaps'", StringComparison.Ordinal));

        Assert.Equal(viaHttps.Kind, viaCoap.Kind);
        Assert.Equal(viaHttps.Actor, viaCoap.Actor);
        Assert.EndsWith("from 127.0.0.1", viaCoap.Detail, StringComparison.Ordinal);
        Assert.Equal(Shape(viaHttps.Detail).Replace("audit-https", "X", StringComparison.Ordinal), Shape(viaCoap.Detail).Replace("audit-coaps", "X", StringComparison.Ordinal));
    }

    /// <summary>The audit detail with its serial number blanked.</summary>
    private static string Shape(string detail) => System.Text.RegularExpressions.Regex.Replace(detail, "serial [0-9A-Fa-f]+", "serial N");
}
