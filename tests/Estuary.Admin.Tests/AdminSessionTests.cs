using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Console sessions carry the administrator's security stamp: a password reset or a logout replaces it, and a
/// copy of a cookie taken before is refused after (the console sends it back to the login page).
/// </summary>
public sealed class AdminSessionTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task A_session_cookie_captured_before_a_password_reset_is_refused_after_it()
    {
        using var console = new ConsoleClient(_server);
        using (var login = await console.LogInAsync("admin", await ConsoleClient.AdminPasswordAsync(_server)))
        {
            Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        }

        var captured = console.Session!;
        using (var before = await console.GetAsync("/admin/"))
        {
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        }

        using var api = AdminTestClient.Api(_server, await AdminTestClient.KeyAsync(_server, "write"));
        using (var reset = await api.PostAsync("admins/admin/password", null))
        {
            Assert.Equal(HttpStatusCode.OK, reset.StatusCode);
        }

        using var replay = new ConsoleClient(_server);
        replay.UseSession(captured);
        using var after = await replay.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/admin/login", new Uri(new Uri("https://console/"), after.Headers.Location!).AbsolutePath);
    }

    [Fact]
    public async Task A_logout_ends_every_session_of_that_administrator_and_a_copied_cookie_is_refused()
    {
        var password = await ConsoleClient.AdminPasswordAsync(_server);
        using var laptop = new ConsoleClient(_server);
        using var desktop = new ConsoleClient(_server);
        (await laptop.LogInAsync("admin", password)).Dispose();
        (await desktop.LogInAsync("admin", password)).Dispose();
        var copied = laptop.Session!;

        using (var logout = await laptop.PostFormAsync("/admin/", "/admin/logout", new Dictionary<string, string>()))
        {
            Assert.Equal(HttpStatusCode.Redirect, logout.StatusCode);
        }

        using var other = await desktop.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Redirect, other.StatusCode);
        using var replay = new ConsoleClient(_server);
        replay.UseSession(copied);
        using var replayed = await replay.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Redirect, replayed.StatusCode);
        Assert.Equal("/admin/login", new Uri(new Uri("https://console/"), replayed.Headers.Location!).AbsolutePath);

        // A new login works again, with the new stamp.
        using var again = new ConsoleClient(_server);
        (await again.LogInAsync("admin", password)).Dispose();
        using var fresh = await again.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task An_administrator_who_resets_their_own_password_in_the_console_stays_logged_in()
    {
        using var console = new ConsoleClient(_server);
        (await console.LogInAsync("admin", await ConsoleClient.AdminPasswordAsync(_server))).Dispose();
        var before = console.Session!;

        using (var reset = await console.PostFormAsync("/admin/admins", "/admin/admins?handler=Reset", new Dictionary<string, string> { ["username"] = "admin" }))
        {
            Assert.Equal(HttpStatusCode.SeeOther, reset.StatusCode);
        }

        using var still = await console.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
        using var replay = new ConsoleClient(_server);
        replay.UseSession(before);
        using var old = await replay.GetAsync("/admin/");
        Assert.Equal(HttpStatusCode.Redirect, old.StatusCode);
    }
}
