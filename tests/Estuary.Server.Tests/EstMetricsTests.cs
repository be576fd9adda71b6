using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Ca;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>A server whose labels each test counts on alone, so the counters of one test are not another's.</summary>
public sealed class EstMetricsServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:challenge:ValidityDays"] = "30",
        ["Estuary:Labels:wrong:ValidityDays"] = "30",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>/metrics says what happened: a challenge is not a denial, and the CA certificates' remaining lifetime is there.</summary>
public sealed class EstMetricsTests(EstMetricsServer fixture) : IClassFixture<EstMetricsServer>
{
    private EstuaryTestServer Server => fixture.Server;

    [Fact]
    public async Task A_Basic_clients_first_request_without_credentials_counts_as_a_challenge_not_a_denial()
    {
        using var anonymous = Server.CreateClient();
        using var basic = Server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        var csr = TestCsr.Create("CN=challenged", key);

        // As Bouncy Castle does (RFC 7617 §2): no credentials until the server asks, then the same request with them.
        using (var challenge = await anonymous.PostAsync("challenge/simpleenroll", EstWire.Pkcs10(csr)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, challenge.StatusCode);
            Assert.Contains(challenge.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        }

        using (var issued = await basic.PostAsync("challenge/simpleenroll", EstWire.Pkcs10(csr)))
        {
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        }

        var text = await ScrapeAsync();
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"challenge\",outcome=\"challenge\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"challenge\",outcome=\"issued\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("label=\"challenge\",outcome=\"denied\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_counts_as_denied()
    {
        using var client = Server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(Server.EstUsername + ":not-the-password")));
        using var key = TestCsr.NewP256();

        using (var response = await client.PostAsync("wrong/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=wrong", key))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        var text = await ScrapeAsync();
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"wrong\",outcome=\"denied\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("label=\"wrong\",outcome=\"challenge\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_CA_expiry_gauge_holds_the_seconds_until_the_root_and_the_issuing_CA_expire()
    {
        var material = Server.GetRequiredService<CaMaterial>();

        var before = DateTimeOffset.UtcNow;
        var text = await ScrapeAsync();
        var after = DateTimeOffset.UtcNow;

        AssertSecondsLeft(text, "issuing", material.Issuing.Certificate, before, after);
        AssertSecondsLeft(text, "root", material.Root, before, after);
    }

    /// <summary>The gauge for this certificate lies between notAfter - (time after the scrape) and notAfter - (time before it).</summary>
    private static void AssertSecondsLeft(string text, string role, X509Certificate2 certificate, DateTimeOffset before, DateTimeOffset after)
    {
        var keyId = Convert.ToHexString(CertificateWriter.KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
        var line = Assert.Single(text.Split('\n'), l =>
            l.StartsWith("estuary_ca_certificate_expiry_seconds{", StringComparison.Ordinal) && l.Contains($"role=\"{role}\"", StringComparison.Ordinal) && l.Contains($"key_id=\"{keyId}\"", StringComparison.Ordinal));
        Assert.Contains($"subject=\"{certificate.Subject}\"", line, StringComparison.Ordinal);
        var seconds = double.Parse(line[(line.LastIndexOf(' ') + 1)..], NumberStyles.Float, CultureInfo.InvariantCulture);
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        Assert.InRange(seconds, (notAfter - after).TotalSeconds - 1, (notAfter - before).TotalSeconds + 1);
        Assert.True(seconds > TimeSpan.FromDays(300).TotalSeconds, $"a new {role} CA has years left, not {seconds} s");
    }

    private async Task<string> ScrapeAsync()
    {
        using var admin = Server.CreateAdminClient();
        using var response = await admin.GetAsync("/metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }
}
