using System.Collections.Concurrent;
using System.Net;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// The shared database goes away mid-test: requests get 503 with Retry-After and a plain-text reason
/// (never a 500), every certificate a client received is recorded, and service resumes when it returns.
/// </summary>
public sealed class StorageOutageTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Enrollment_answers_503_while_the_database_is_down_and_resumes_after()
    {
        await using var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Storage:Provider"] = "postgres",
            ["Estuary:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        });
        await server.InitializeAsync();
        using var client = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var device = await EstWire.EnrollAsync(client, "CN=before-outage", key);
        using var mtls = server.CreateClient(device);

        // Enrollments keep arriving while the database stops: each either succeeds (and is recorded) or gets 503.
        var received = new ConcurrentBag<string>();
        var statuses = new ConcurrentBag<HttpStatusCode>();
        using var stop = new CancellationTokenSource();
        var load = Task.Run(async () =>
        {
            for (var i = 0; i < 400 && !stop.IsCancellationRequested; i++)
            {
                using var k = TestCsr.NewP256();
                using var r = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create($"CN=during-{i}", k)));
                statuses.Add(r.StatusCode);
                if (r.StatusCode == HttpStatusCode.OK)
                {
                    received.Add(Assert.Single(await EstWire.ReadCertsAsync(r)).SerialNumber);
                }
            }
        });
        await cluster.StopAsync();
        try
        {
            using (var k = TestCsr.NewP256())
            using (var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=during-outage", k))))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.True(response.Headers.RetryAfter?.Delta > TimeSpan.Zero);
                Assert.Equal("text/plain", response.Content.Headers.ContentType!.MediaType);
                Assert.Contains("database is unavailable", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var ready = await client.GetAsync(new Uri(server.BaseUri, "/readyz")))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("database unreachable", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }

            using (var health = await client.GetAsync(new Uri(server.BaseUri, "/healthz")))
            {
                Assert.Equal(HttpStatusCode.OK, health.StatusCode); // the process is alive; only readiness fails
            }

            using (var k = TestCsr.NewP256())
            using (var response = await mtls.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=before-outage", k))))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
            }

            await stop.CancelAsync();
            await load;
        }
        finally
        {
            await cluster.StartAsync();
        }

        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.ServiceUnavailable, $"status {s}"));
        HttpStatusCode after = 0;
        for (var attempt = 0; attempt < 5 && after != HttpStatusCode.OK; attempt++)
        {
            using var k = TestCsr.NewP256();
            using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=after-outage", k)));
            after = response.StatusCode;
        }

        Assert.Equal(HttpStatusCode.OK, after);
        var store = server.GetRequiredService<IEstuaryStore>();
        foreach (var serial in received)
        {
            Assert.NotNull(await store.FindCertificateAsync(serial, CancellationToken.None));
        }
    }
}
