using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>POST /admin/login is rate-limited per client address (Estuary:Admin:LoginAttemptsPerAddress per LoginAttemptWindow).</summary>
public sealed class AdminLoginRateLimitTests : IAsyncLifetime
{
    // A window of an hour: no attempt comes back while the test runs, whatever the machine's speed.
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Admin:LoginAttemptsPerAddress"] = "3",
        ["Estuary:Admin:LoginAttemptWindow"] = "01:00:00",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Login_attempts_beyond_the_allowance_get_429_with_Retry_After_and_a_reason()
    {
        using var console = new ConsoleClient(_server);
        for (var i = 0; i < 3; i++)
        {
            using var wrong = await console.LogInAsync($"guess-{i}", "not-the-password");
            Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        }

        // Even the right password: the address has used its attempts.
        using var limited = await console.LogInAsync("admin", await ConsoleClient.AdminPasswordAsync(_server));
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(int.Parse(limited.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture) >= 1);
        Assert.StartsWith("text/plain", limited.Content.Headers.ContentType!.ToString(), StringComparison.Ordinal);
        Assert.Contains("too many login attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The login page itself (GET) is not limited.
        using var page = await console.GetAsync("/admin/login");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
    }

    [Fact]
    public async Task Invalid_rate_limit_settings_refuse_to_start()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Admin:LoginAttemptsPerAddress"] = "-1" });
        try
        {
            var refused = await Assert.ThrowsAnyAsync<ArgumentException>(server.InitializeAsync);
            Assert.Contains("LoginAttemptsPerAddress", refused.Message, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
