using System.Net;
using System.Net.Http.Headers;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>/healthz, /readyz (EST listener) and /metrics (admin listener) over real TLS.</summary>
public sealed class HealthEndpointTests
{
    [Fact]
    public async Task Healthz_and_readyz_answer_ok_when_the_database_and_CA_key_work()
    {
        await using var server = new EstuaryTestServer();
        await server.InitializeAsync();
        using var client = server.CreateClient();

        using var health = await client.GetAsync(new Uri(server.BaseUri, "/healthz"));
        using var ready = await client.GetAsync(new Uri(server.BaseUri, "/readyz"));

        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        Assert.Equal("ok\n", await health.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Equal("ready\n", await ready.Content.ReadAsStringAsync());
        Assert.Equal("text/plain", ready.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task Metrics_count_enrollments_by_operation_label_and_outcome_in_Prometheus_text()
    {
        await using var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Labels:short:ValidityDays"] = "10" });
        await server.InitializeAsync();
        using var basic = server.CreateClient(basicAuth: true);
        using var anonymous = server.CreateClient();
        using var key = TestCsr.NewP256();
        var csr = TestCsr.Create("CN=metered", key);
        using (var issued = await basic.PostAsync("simpleenroll", EstWire.Pkcs10(csr)))
        using (var shortLived = await basic.PostAsync("short/simpleenroll", EstWire.Pkcs10(csr)))
        using (var challenged = await anonymous.PostAsync("simpleenroll", EstWire.Pkcs10(csr)))
        using (var unknownLabel = await basic.PostAsync("no-such-label/simpleenroll", EstWire.Pkcs10(csr)))
        {
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
            Assert.Equal(HttpStatusCode.OK, shortLived.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, challenged.StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, unknownLabel.StatusCode);
        }

        var wrongType = new ByteArrayContent("x"u8.ToArray());
        wrongType.Headers.ContentType = new MediaTypeHeaderValue("text/plain");
        using (var rejected = await basic.PostAsync("simpleenroll", wrongType))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, rejected.StatusCode);
        }

        using var admin = server.CreateAdminClient();
        using var response = await admin.GetAsync("/metrics");
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"default\",outcome=\"issued\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"short\",outcome=\"issued\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"default\",outcome=\"challenge\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"default\",outcome=\"rejected\"} 1\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_enrollments_total{operation=\"simpleenroll\",label=\"unknown\",outcome=\"rejected\"} 1\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("no-such-label", text, StringComparison.Ordinal);
        Assert.Contains("estuary_request_duration_seconds_count{operation=\"simpleenroll\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_request_duration_seconds_bucket{operation=\"simpleenroll\",le=\"+Inf\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_pending_approvals 0\n", text, StringComparison.Ordinal);
        Assert.Contains("estuary_certificates_expiring 1\n", text, StringComparison.Ordinal); // only the 10-day certificate
    }
}
