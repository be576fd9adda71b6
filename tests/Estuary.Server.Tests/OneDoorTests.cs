using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// The attacks of the "one door" review, each over real TLS against a real server: every operation passes the same
/// authentication and authorization, certificates authenticate through the record of their issuance, an approval
/// issues exactly what was approved, and a renewal keeps its subject byte for byte.
/// </summary>
public sealed class OneDoorTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held:RequireApproval"] = "true",
        ["Estuary:ApprovalRetryAfterSeconds"] = "1",
        ["Estuary:Labels:default:ServerKeyGen"] = "true",
    });

    private string _alicePassword = "";
    private string _malloryPassword = "";
    private string _carolPassword = "";

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        var accounts = _server.GetRequiredService<AccountService>();
        _alicePassword = (await accounts.CreateAsync("alice", [], "test", default)).Password!;
        _malloryPassword = (await accounts.CreateAsync("mallory", [], "test", default)).Password!;
        _carolPassword = (await accounts.CreateAsync("carol", [], "test", default)).Password!;
        var templates = _server.GetRequiredService<TemplateService>();
        Assert.Empty(await templates.SaveAsync(new TemplateDefinition
        {
            Name = "restricted",
            Labels = ["restricted"],
            AllowedAccounts = ["alice"],
            ServerKeyGeneration = true,
            AllowedKeys = ["P-256"],
        }, create: true, "test", default));
        Assert.Empty(await templates.SaveAsync(new TemplateDefinition
        {
            Name = "by-subject",
            Labels = ["by-subject"],
            AllowedCertificateSubjects = ["CN=*.devices.example"],
            AllowedKeys = ["P-256"],
        }, create: true, "test", default));
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Serverkeygen_refuses_an_account_that_the_template_refuses_on_simpleenroll()
    {
        using var mallory = Basic("mallory", _malloryPassword);
        using var key = TestCsr.NewP256();
        using (var enroll = await mallory.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=m-1", key))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, enroll.StatusCode);
        }

        using (var keygen = await mallory.PostAsync("restricted/serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=m-1", key))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, keygen.StatusCode);
            Assert.Contains("may not use template 'restricted'", await keygen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var alice = Basic("alice", _alicePassword);
        using var allowed = await alice.PostAsync("restricted/serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=a-1", key)));
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);

        var audit = await _server.GetRequiredService<IManagementStore>().SearchAuditAsync(new AuditQuery { KindPrefix = RegistrationAuthority.RefusedAuthorization, Limit = 50 }, default);
        Assert.Contains(audit, e => e.Actor == "basic:mallory" && e.Detail.StartsWith("serverkeygen", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_authenticates_as_the_account_that_owns_it_not_as_its_subject()
    {
        using var aliceKey = TestCsr.NewP256();
        using var aliceCertificate = await EstWire.EnrollAsync(Basic("alice", _alicePassword), "CN=shared-name", aliceKey);
        using var malloryKey = TestCsr.NewP256();
        using var malloryCertificate = await EstWire.EnrollAsync(Basic("mallory", _malloryPassword), "CN=shared-name", malloryKey);

        using var asAlice = _server.CreateClient(aliceCertificate);
        using (var ok = await asAlice.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=alice-2", aliceKey))))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            var issued = Assert.Single(await EstWire.ReadCertsAsync(ok));
            var record = await _server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(issued.SerialNumber, default);
            Assert.Equal("alice", record!.Account);
        }

        using var asMallory = _server.CreateClient(malloryCertificate);
        using var refused = await asMallory.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=alice-2", malloryKey)));
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
    }

    [Fact]
    public async Task A_subject_pattern_does_not_admit_a_certificate_self_enrolled_on_another_label()
    {
        // The bootstrap account may enroll any subject on the default label: a subject is the client's choice.
        using var key = TestCsr.NewP256();
        using var selfEnrolled = await EstWire.EnrollAsync(_server.CreateClient(basicAuth: true), "CN=cam-9.devices.example", key);
        using var client = _server.CreateClient(selfEnrolled);
        using var response = await client.PostAsync("by-subject/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=cam-9.devices.example", key)));
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public async Task The_certificates_of_a_disabled_account_no_longer_authenticate_any_operation()
    {
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(Basic("carol", _carolPassword), "CN=carol-device", key);
        using var client = _server.CreateClient(certificate);
        using (var before = await client.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=carol-device", key))))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        Assert.True(await _server.GetRequiredService<AccountService>().SetEnabledAsync("carol", false, "test", default));

        foreach (var operation in new[] { "simpleenroll", "simplereenroll", "serverkeygen" })
        {
            using var fresh = _server.CreateClient(certificate);
            using var response = await fresh.PostAsync(operation, EstWire.Pkcs10(TestCsr.Create("CN=carol-device", key)));
            Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden, $"{operation}: {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task An_approved_request_issues_exactly_what_was_approved()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using (var held = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=gated-1", key, "dns:a.cameras.example"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        }

        var queue = _server.GetRequiredService<ApprovalQueue>();
        var pending = Assert.Single(await queue.ListAsync(PendingRequestStatus.Pending, 10, default), r => r.Subject == "CN=gated-1");
        Assert.True((await queue.ApproveAsync(pending.Id, "test", default)).IsSuccess);

        // Same key and subject, other SANs: another request, held in its turn — not the approved one.
        using (var other = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=gated-1", key, "dns:admin.cameras.example"))))
        {
            Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
        }

        using var collected = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=gated-1", key, "dns:a.cameras.example")));
        Assert.Equal(HttpStatusCode.OK, collected.StatusCode);
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(collected));
        var san = Assert.IsType<X509SubjectAlternativeNameExtension>(certificate.Extensions["2.5.29.17"], exactMatch: false);
        Assert.Equal(["a.cameras.example"], san.EnumerateDnsNames().ToArray());
    }

    [Fact]
    public async Task A_renewal_must_keep_the_subject_byte_for_byte()
    {
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(_server.CreateClient(basicAuth: true), "CN=case-dev", key);
        using var client = _server.CreateClient(certificate);
        using (var changed = await client.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=CASE-DEV", key))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, changed.StatusCode);
        }

        using var same = await client.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=case-dev", key)));
        Assert.Equal(HttpStatusCode.OK, same.StatusCode);
    }

    [Fact]
    public async Task An_unknown_user_costs_as_much_work_as_a_known_user_with_a_wrong_password()
    {
        // Before the fix an unknown name answered without computing a password hash (~1/30 of the time), which
        // tells an attacker which names exist. Counted in PBKDF2 checks, not timed: one full check each.
        var hasher = _server.GetRequiredService<PasswordHasher>();
        async Task<long> ChecksFor(string user)
        {
            var before = hasher.SlowVerifications;
            using var client = Basic(user, "wrong-" + Guid.NewGuid().ToString("N")[..6]);
            using var key = TestCsr.NewP256();
            using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=t", key)));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            return hasher.SlowVerifications - before;
        }

        var known = await ChecksFor("alice");
        var unknown = await ChecksFor("nobody-" + Guid.NewGuid().ToString("N")[..6]);
        Assert.Equal(1, known);
        Assert.Equal(known, unknown);
    }

    private HttpClient Basic(string user, string password)
    {
        var client = _server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));
        return client;
    }
}
