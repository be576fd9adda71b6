using System.Diagnostics;
using System.Net;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// The shared limits when PostgreSQL is down: rate limits fall back to the node's own buckets (still limited,
/// /cacerts still served), and a Basic login fails closed with 503 (no guess is answered uncounted).
/// </summary>
public sealed class MultiNodeLimitOutageTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task With_the_database_down_rate_limits_hold_per_node_and_Basic_logins_get_503()
    {
        await using var server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Storage:Provider"] = "postgres",
            ["Estuary:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
            ["Estuary:RateLimits:PerAddressPerSecond"] = "5",
        });
        await server.InitializeAsync();
        using var anonymous = server.CreateClient();
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();

        await cluster.StopAsync();
        try
        {
            var statuses = new List<HttpStatusCode>();
            var clock = Stopwatch.StartNew();
            for (var i = 0; i < 30; i++)
            {
                using var response = await anonymous.GetAsync("cacerts");
                statuses.Add(response.StatusCode);
            }

            var allowed = statuses.Count(s => s == HttpStatusCode.OK);
            Assert.Equal(30, allowed + statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            Assert.InRange(allowed, 10, 10 + (int)(5 * clock.Elapsed.TotalSeconds) + 1);

            // The lockout check itself refuses to answer (fails closed) rather than say "not locked".
            await Assert.ThrowsAsync<StorageUnavailableException>(async () => await server.GetRequiredService<ILoginThrottle>().CheckAsync("someone", "192.0.2.1", CancellationToken.None));

            // A fresh address bucket for the login: the refusal must be the database's, not the rate limit's.
            await Task.Delay(TimeSpan.FromSeconds(2.5));
            using var login = await basic.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=during-outage", key)));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, login.StatusCode);
            Assert.True(login.Headers.RetryAfter?.Delta > TimeSpan.Zero);
            Assert.Contains("unavailable", await login.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        finally
        {
            await cluster.StartAsync();
        }

        await Task.Delay(TimeSpan.FromSeconds(2.5));
        using var after = await basic.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=after-outage", key)));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }
}
