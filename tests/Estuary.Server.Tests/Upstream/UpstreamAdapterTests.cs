using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Upstream;

/// <summary>
/// RA-proxy mode end to end: a client enrolls at the front server, whose template forwards to the upstream
/// Estuary server through an upstream EST adapter; the front decides who may enroll, the upstream signs.
/// </summary>
public sealed class UpstreamAdapterTests(UpstreamPair pair) : IClassFixture<UpstreamPair>
{
    private static HttpClient Basic(EstuaryTestServer server, string user, string password)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(user + ":" + password)));
        return client;
    }

    /// <summary>openssl makes the key and CSR, curl posts it to the front; returns the HTTP status, the body and the folder with d.key, out.pem.</summary>
    private static async Task<(string Status, string Body, string Dir)> EnrollWithCurlAsync(EstuaryTestServer front, string label, string user, string password, string subject, string dns)
    {
        var dir = Directory.CreateTempSubdirectory("estuary-upstream-").FullName;
        var script = $"""
            set -e
            cd {dir}
            openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout d.key -subj '{subject}' -addext subjectAltName=DNS:{dns} -outform DER 2>/dev/null | base64 -w 64 > d.csr
            curl -sS --max-time 60 --cacert '{front.RootCertificatePath}' -u '{user}:{password}' -H 'Content-Type: application/pkcs10' --data-binary @d.csr -o out -w '%{"{"}http_code{"}"}' '{front.EstUrl}/{label}/simpleenroll'
            """;
        await File.WriteAllTextAsync(Path.Combine(dir, "enroll.sh"), script);
        var (code, output) = await Processes.RunAsync("bash", Path.Combine(dir, "enroll.sh"));
        Assert.True(code == 0, output);
        return (output.Trim(), await File.ReadAllTextAsync(Path.Combine(dir, "out")), dir);
    }

    private static async Task<AuditEvent?> LatestAuditAsync(IEstuaryStore store) =>
        await store.ListAuditAsync(1, CancellationToken.None) is [var latest, ..] ? latest : null;

    [Fact]
    public async Task A_client_enrolled_at_the_front_gets_a_certificate_of_the_upstream_CA_recorded_by_both_servers()
    {
        var upstreamBefore = await pair.Upstream.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(CancellationToken.None);
        var (status, body, dir) = await EnrollWithCurlAsync(pair.Front, "proxied", "device-1", pair.DevicePassword, "/CN=device-7", "d7.devices.example");
        Assert.True(status == "200", body);

        // The certificate chains to the UPSTREAM's root, with the chain /cacerts of the label hands out.
        using var front = pair.Front.CreateClient();
        using var cacerts = await front.GetAsync("proxied/cacerts");
        Assert.Equal(HttpStatusCode.OK, cacerts.StatusCode);
        var chain = await EstWire.ReadCertsAsync(cacerts);
        Assert.Contains(chain, c => c.RawData.AsSpan().SequenceEqual(pair.Upstream.RootCertificate.RawData));
        Assert.DoesNotContain(chain, c => c.RawData.AsSpan().SequenceEqual(pair.Front.RootCertificate.RawData));
        await File.WriteAllTextAsync(Path.Combine(dir, "chain.pem"), string.Concat(chain.Select(c => c.ExportCertificatePem() + "\n")));
        var script = $"""
            set -e
            cd {dir}
            base64 -d out | openssl pkcs7 -inform DER -print_certs -out device.pem
            openssl verify -CAfile '{pair.Upstream.RootCertificatePath}' -untrusted chain.pem device.pem
            ! openssl verify -CAfile '{pair.Front.RootCertificatePath}' device.pem 2>/dev/null
            """;
        await File.WriteAllTextAsync(Path.Combine(dir, "verify.sh"), script);
        var (code, output) = await Processes.RunAsync("bash", Path.Combine(dir, "verify.sh"));
        Assert.True(code == 0, output);
        Assert.Contains("device.pem: OK", output, StringComparison.Ordinal);

        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir, "device.pem")));
        var atFront = await pair.Front.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, CancellationToken.None);
        Assert.NotNull(atFront);
        Assert.Equal("proxied", atFront.Label);
        Assert.Equal("basic:device-1", atFront.RequestedBy);
        Assert.Equal(certificate.Issuer, atFront.Issuer);
        Assert.Equal(certificate.RawData, atFront.Der);
        var atUpstream = await pair.Upstream.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, CancellationToken.None);
        Assert.NotNull(atUpstream);
        Assert.Equal("basic:ra-front", atUpstream.RequestedBy);
        Assert.Equal(upstreamBefore + 1, await pair.Upstream.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(CancellationToken.None));

        var audit = await pair.Front.GetRequiredService<IEstuaryStore>().ListAuditAsync(50, CancellationToken.None);
        Assert.Contains(audit, a => a.Kind == "certificate.issued" && a.Detail.Contains(certificate.SerialNumber, StringComparison.Ordinal) && a.Detail.Contains("upstream EST adapter 'upstream-ca'", StringComparison.Ordinal));
        Directory.Delete(dir, recursive: true);
    }

    [Fact]
    public async Task The_front_refuses_to_revoke_a_certificate_the_upstream_signed_and_sends_the_operator_there()
    {
        var (status, body, dir) = await EnrollWithCurlAsync(pair.Front, "proxied", "device-1", pair.DevicePassword, "/CN=device-9", "d9.devices.example");
        Assert.True(status == "200", body);
        var (code, output) = await Processes.RunAsync("bash", $"-c \"cd {dir} && base64 -d out | openssl pkcs7 -inform DER -print_certs -out device.pem\"");
        Assert.True(code == 0, output);
        var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir, "device.pem")));

        var outcome = await pair.Front.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", CancellationToken.None);

        Assert.Equal(EstErrorKind.BadRequest, outcome.Error?.Kind);
        Assert.Contains("revoke it at that CA", outcome.Error!.Message, StringComparison.Ordinal);
        var record = await pair.Front.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, CancellationToken.None);
        Assert.Null(record!.RevokedAt);
    }

    [Fact]
    public async Task The_front_forwards_the_clients_CSR_unchanged_so_the_upstream_certifies_the_clients_key()
    {
        using var key = TestCsr.NewP256();
        using var client = Basic(pair.Front, "device-1", pair.DevicePassword);
        using var response = await client.PostAsync("proxied/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-8", key, "dns:d8.devices.example")));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(response));
        Assert.Equal(key.ExportSubjectPublicKeyInfo(), certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal("CN=device-8", certificate.Subject);
        Assert.True(pair.Upstream.GetRequiredService<Estuary.Ca.CertificateAuthority>().IssuedThis(certificate));
    }

    [Fact]
    public async Task A_client_the_front_template_does_not_admit_is_refused_by_the_front_and_never_reaches_the_upstream()
    {
        var upstreamStore = pair.Upstream.GetRequiredService<IEstuaryStore>();
        var before = await upstreamStore.CountCertificatesAsync(CancellationToken.None);
        var auditBefore = await LatestAuditAsync(upstreamStore);

        using var key = TestCsr.NewP256();
        using var intruder = Basic(pair.Front, "intruder", pair.OtherPassword);
        using var refused = await intruder.PostAsync("proxied/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-9", key, "dns:d9.devices.example")));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
        Assert.Contains("may not use template 'proxied'", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The template's name rules are the front's too: a name outside them is refused before forwarding.
        using var device = Basic(pair.Front, "device-1", pair.DevicePassword);
        using var badName = await device.PostAsync("proxied/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=printer-1", key, "dns:p1.devices.example")));
        Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);

        Assert.Equal(before, await upstreamStore.CountCertificatesAsync(CancellationToken.None));
        Assert.Equal(auditBefore, await LatestAuditAsync(upstreamStore));
    }

    [Fact]
    public async Task A_wrong_upstream_password_is_a_502_that_names_the_adapter_and_says_what_to_check()
    {
        using var key = TestCsr.NewP256();
        using var client = Basic(pair.Front, "device-1", pair.DevicePassword);
        using var response = await client.PostAsync("wrongpw/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-10", key, "dns:d10.devices.example")));
        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("upstream EST adapter 'wrong-password'", text, StringComparison.Ordinal);
        Assert.Contains("refused the adapter's credentials", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password", text, StringComparison.Ordinal);

        var audit = await pair.Front.GetRequiredService<IEstuaryStore>().ListAuditAsync(50, CancellationToken.None);
        Assert.Contains(audit, a => a.Kind == RegistrationAuthority.RefusedUpstream && a.Detail.Contains("wrong-password", StringComparison.Ordinal));
        Assert.DoesNotContain(audit, a => a.Detail.Contains("not-the-password", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_upstream_that_is_down_is_a_503_with_Retry_After_naming_the_upstream()
    {
        using var key = TestCsr.NewP256();
        using var client = Basic(pair.Front, "device-1", pair.DevicePassword);
        using var response = await client.PostAsync("down/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-11", key, "dns:d11.devices.example")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains("upstream EST adapter 'down'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var cacerts = await client.GetAsync("down/cacerts");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, cacerts.StatusCode);
    }

    [Fact]
    public async Task An_upstream_that_never_answers_is_given_up_after_the_adapter_timeout_with_a_503()
    {
        using var key = TestCsr.NewP256();
        using var client = Basic(pair.Front, "device-1", pair.DevicePassword);
        using var response = await client.PostAsync("silent/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-12", key, "dns:d12.devices.example")));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("did not answer within 2 s", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_upstream_202_is_our_202_with_its_Retry_After_and_the_repeat_after_approval_gets_the_certificate()
    {
        using var key = TestCsr.NewP256();
        var csr = TestCsr.Create("CN=device-15", key, "dns:d15.devices.example");
        using var client = Basic(pair.Front, "device-1", pair.DevicePassword);
        using (var pending = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(csr)))
        {
            Assert.Equal(HttpStatusCode.Accepted, pending.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(60), pending.Headers.RetryAfter?.Delta);
        }

        var approvals = pair.Upstream.GetRequiredService<ApprovalQueue>();
        var held = Assert.Single(await approvals.ListAsync("pending", 10, CancellationToken.None), r => r.Subject == "CN=device-15");
        Assert.Equal("basic:ra-front", held.Requester);
        Assert.True((await approvals.ApproveAsync(held.Id, "test", CancellationToken.None)).IsSuccess);

        using var issued = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(csr));
        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(issued));
        Assert.NotNull(await pair.Front.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, CancellationToken.None));
    }

    [Fact]
    public async Task A_certificate_enrolled_through_the_adapter_renews_at_the_front_with_itself()
    {
        using var key = TestCsr.NewP256();
        using var device = Basic(pair.Front, "device-1", pair.DevicePassword);
        using var enrolled = await device.PostAsync("proxied/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-13", key, "dns:d13.devices.example")));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        using var current = Assert.Single(await EstWire.ReadCertsAsync(enrolled)).CopyWithPrivateKey(key);
        using var withKey = X509CertificateLoader.LoadPkcs12(current.Export(X509ContentType.Pkcs12), null);

        using var newKey = TestCsr.NewP256();
        using var renewing = pair.Front.CreateClient(withKey);
        using var renewed = await renewing.PostAsync("proxied/simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-13", newKey, "dns:d13.devices.example")));
        Assert.True(renewed.StatusCode == HttpStatusCode.OK, await renewed.Content.ReadAsStringAsync());
        var next = Assert.Single(await EstWire.ReadCertsAsync(renewed));
        Assert.Equal(newKey.ExportSubjectPublicKeyInfo(), next.PublicKey.ExportSubjectPublicKeyInfo());
        var record = await pair.Front.GetRequiredService<IEstuaryStore>().FindCertificateAsync(next.SerialNumber, CancellationToken.None);
        Assert.Equal(current.SerialNumber, record!.Replaces);
        Assert.Equal("simplereenroll", record.Operation);

        // A certificate the upstream issued to someone else (not enrolled through the front) cannot renew here.
        using var otherKey = TestCsr.NewP256();
        using var stranger = pair.Front.CreateClient(withKey);
        using var wrongName = await stranger.PostAsync("proxied/simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=device-14", otherKey, "dns:d14.devices.example")));
        Assert.Equal(HttpStatusCode.BadRequest, wrongName.StatusCode);
    }
}
