using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary renew` against a real server whose "short" label issues one-day certificates.</summary>
public sealed class RenewTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Labels:short:ValidityDays"] = "1" });
    private readonly TempDir _dir = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _dir.Dispose();
    }

    private string Server => _server.BaseUri.GetLeftPart(UriPartial.Authority);

    private async Task EnrollAsync(string name)
    {
        var r = await Cli.RunAsync("enroll", "--server", Server, "--cacert", _server.RootCertificatePath, "--label", "short",
            "--user", _server.EstUsername, "--password", _server.EstPassword, "--cn", name, "--out-dir", _dir[name]);
        Assert.True(r.ExitCode == 0, r.ToString());
    }

    private string WriteConfig(object config)
    {
        var path = _dir["renew.json"];
        File.WriteAllText(path, JsonSerializer.Serialize(config));
        return path;
    }

    private object Entry(string name, bool rekey = false) => new { name, cert = $"{name}/cert.pem", key = $"{name}/key.pem", chain = $"{name}/chain.pem", rekey };

    private int HookRuns => File.Exists(_dir["hook.log"]) ? File.ReadAllLines(_dir["hook.log"]).Length : 0;

    [Fact]
    public async Task Renew_replaces_the_files_and_runs_the_hook_once_when_two_thirds_of_the_lifetime_have_passed()
    {
        await EnrollAsync("web");
        var config = WriteConfig(new { server = Server, cacert = _server.RootCertificatePath, label = "short", certificates = new[] { Entry("web") } });
        var hook = $"echo \"$ESTUARY_NAME $ESTUARY_CERT\" >> {_dir["hook.log"]}";
        var keyBefore = File.ReadAllText(_dir["web/key.pem"]);
        using var before = X509CertificateLoader.LoadCertificateFromFile(_dir["web/cert.pem"]);
        Assert.Equal(1, Math.Round((before.NotAfter - before.NotBefore).TotalDays)); // a one-day certificate

        // Now: nothing is due.
        var fresh = await Cli.RunAsync("renew", "--config", config, "--deploy-hook", hook, "--json");
        Assert.True(fresh.ExitCode == 0, fresh.ToString());
        Assert.Equal("not due", JsonDocument.Parse(fresh.Output).RootElement.GetProperty("certificates")[0].GetProperty("status").GetString());
        Assert.Equal(0, HookRuns);

        // 17 hours later (past 2/3 of 24 h): renewed, files replaced, hook run once.
        var later = await Cli.RunAtAsync(new ShiftedClock(TimeSpan.FromHours(17)), default, "renew", "--config", config, "--deploy-hook", hook);
        Assert.True(later.ExitCode == 0, later.ToString());
        Assert.Contains("renewed", later.Output, StringComparison.Ordinal);
        Assert.Equal(1, HookRuns);
        Assert.Equal($"web {_dir["web/cert.pem"]}", File.ReadAllLines(_dir["hook.log"])[0]);
        using var after = X509Certificate2.CreateFromPemFile(_dir["web/cert.pem"], _dir["web/key.pem"]);
        Assert.NotEqual(before.SerialNumber, after.SerialNumber);
        Assert.Equal("CN=web", after.Subject);
        Assert.Equal(keyBefore, File.ReadAllText(_dir["web/key.pem"])); // same key unless rekey
        Assert.Empty(Directory.GetFiles(_dir["web"], ".*tmp*"));

        // And now (the new certificate is fresh): not due again, the hook is not run a second time.
        var again = await Cli.RunAsync("renew", "--config", config, "--deploy-hook", hook);
        Assert.True(again.ExitCode == 0, again.ToString());
        Assert.Contains("not due", again.Output, StringComparison.Ordinal);
        Assert.Equal(1, HookRuns);
    }

    [Fact]
    public async Task Renew_handles_several_certificates_and_rekeys_the_one_configured_so()
    {
        await EnrollAsync("a");
        await EnrollAsync("b");
        var config = WriteConfig(new
        {
            server = Server,
            cacert = _server.RootCertificatePath,
            renewAfter = 0.5,
            deployHook = $"echo \"$ESTUARY_NAME\" >> {_dir["hook.log"]}",
            certificates = new[] { Entry("a"), Entry("b", rekey: true) },
        });
        var keyA = File.ReadAllText(_dir["a/key.pem"]);
        var keyB = File.ReadAllText(_dir["b/key.pem"]);

        var r = await Cli.RunAtAsync(new ShiftedClock(TimeSpan.FromHours(13)), default, "renew", "--config", config, "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(["a", "b"], File.ReadAllLines(_dir["hook.log"]));
        Assert.Equal(keyA, File.ReadAllText(_dir["a/key.pem"]));
        Assert.NotEqual(keyB, File.ReadAllText(_dir["b/key.pem"]));
        using var b = X509Certificate2.CreateFromPemFile(_dir["b/cert.pem"], _dir["b/key.pem"]); // new key matches new certificate
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(_dir["b/key.pem"]));
    }

    [Fact]
    public async Task Renew_against_a_server_that_is_down_retries_with_backoff_then_exits_4()
    {
        await EnrollAsync("c");
        var config = WriteConfig(new { server = "https://127.0.0.1:1", cacert = _server.RootCertificatePath, certificates = new[] { Entry("c") } });
        var certBefore = File.ReadAllText(_dir["c/cert.pem"]);

        var r = await Cli.RunAsync("renew", "--config", config, "--force", "--retries", "2", "--backoff", "1s");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains("retry 1/2", r.Error, StringComparison.Ordinal);
        Assert.Contains("retry 2/2", r.Error, StringComparison.Ordinal);
        Assert.Equal(certBefore, File.ReadAllText(_dir["c/cert.pem"]));
    }

    [Fact]
    public async Task A_failing_deploy_hook_exits_7_after_the_files_are_replaced()
    {
        await EnrollAsync("d");
        var config = WriteConfig(new { server = Server, cacert = _server.RootCertificatePath, certificates = new[] { Entry("d") } });
        var certBefore = File.ReadAllText(_dir["d/cert.pem"]);

        var r = await Cli.RunAsync("renew", "--config", config, "--force", "--deploy-hook", "echo reload failed >&2; exit 3");

        Assert.Equal(7, r.ExitCode);
        Assert.Contains("reload failed", r.Error, StringComparison.Ordinal);
        Assert.NotEqual(certBefore, File.ReadAllText(_dir["d/cert.pem"]));
    }

    [Fact]
    public async Task Watch_renews_and_keeps_running_until_stopped()
    {
        await EnrollAsync("w");
        var config = WriteConfig(new { server = Server, cacert = _server.RootCertificatePath, certificates = new[] { Entry("w") } });
        using var stop = new CancellationTokenSource();

        var run = Cli.RunAtAsync(new ShiftedClock(TimeSpan.FromHours(20)), stop.Token, "renew", "--config", config, "--watch", "--interval", "1h", "--deploy-hook", $"echo w >> {_dir["hook.log"]}");
        for (var i = 0; i < 600 && HookRuns == 0 && !run.IsCompleted; i++)
        {
            await Task.Delay(100);
        }

        Assert.False(run.IsCompleted, "renew --watch stopped by itself");
        stop.Cancel();
        var r = await run.WaitAsync(TimeSpan.FromMinutes(1));
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(1, HookRuns);
        Assert.Contains("Watching 1 certificate", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_config_file_with_an_unknown_key_is_a_usage_error()
    {
        var config = _dir["bad.json"];
        File.WriteAllText(config, """{ "server": "https://127.0.0.1:1", "certificats": [] }""");

        var r = await Cli.RunAsync("renew", "--config", config);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("certificats", r.Error, StringComparison.Ordinal);
    }
}
