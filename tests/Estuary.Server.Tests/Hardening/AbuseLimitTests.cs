using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>Rate limits per address and per account, and lockout after repeated failed logins.</summary>
public sealed class AbuseLimitTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:RateLimits:PerAddressPerSecond"] = "5",
        ["Estuary:RateLimits:MaxFailedLogins"] = "3",
        ["Estuary:RateLimits:LockoutSeconds"] = "60",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_burst_beyond_the_per_address_limit_gets_429_with_Retry_After()
    {
        using var client = _server.CreateClient();
        var statuses = new List<HttpResponseMessage>();
        for (var i = 0; i < 30; i++)
        {
            statuses.Add(await client.GetAsync("cacerts"));
        }

        var limited = statuses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.True(statuses.Count(r => r.StatusCode == HttpStatusCode.OK) >= 5);
        Assert.NotNull(limited[0].Headers.RetryAfter);
        Assert.Contains("too many requests", await limited[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        statuses.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task Repeated_wrong_passwords_lock_the_user_out_from_that_address_even_with_the_right_one()
    {
        using var key = TestCsr.NewP256();
        var csr = TestCsr.Create("CN=lockout", key);
        async Task<HttpResponseMessage> Try(string password)
        {
            using var client = _server.CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_server.EstUsername + ":" + password)));
            await Task.Delay(250); // stay under the per-address rate limit
            return await client.PostAsync("simpleenroll", EstWire.Pkcs10(csr));
        }

        for (var i = 0; i < 3; i++)
        {
            using var wrong = await Try("guess-" + i);
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        using var locked = await Try(_server.EstPassword);
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.StatusCode);
        Assert.NotNull(locked.Headers.RetryAfter);
        Assert.Contains("too many failed logins", await locked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
