using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Storage.Sqlite;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>`estuary serve` as an OS process: killed mid-load, restarted, and its logs read for secrets.</summary>
public sealed class ProcessTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("estuary-proc").FullName;
    private EstuaryProcess _server = null!;

    public async Task InitializeAsync()
    {
        _server = new EstuaryProcess(_dataDir);
        await _server.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        Directory.Delete(_dataDir, recursive: true);
    }

    private HttpClient Client(string username, string password)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_dataDir, "root-ca.pem")));
        var handler = new SocketsHttpHandler();
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        handler.SslOptions.CertificateChainPolicy = policy;
        var client = new HttpClient(handler) { BaseAddress = new Uri(_server.EstUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
        return client;
    }

    [Fact]
    public async Task Every_certificate_a_client_received_before_a_kill_9_is_in_storage_and_enrollment_resumes()
    {
        var (user, password) = _server.EstCredentials();
        using var client = Client(user, password);
        using var key = TestCsr.NewP256();
        var received = await CrashLoad.EnrollUntilKilledAsync(_server, client, key);
        Assert.Equal(received.Count, received.Distinct().Count()); // no serial was handed out twice

        await using (var store = await SqliteStore.OpenAsync(Path.Combine(_dataDir, "estuary.db")))
        {
            foreach (var serial in received)
            {
                Assert.NotNull(await store.FindCertificateAsync(serial, default));
            }

            Assert.True(await store.CountCertificatesAsync(default) >= received.Count);
        }

        await _server.StartAsync();
        using var after = Client(user, password);
        using var response = await after.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=after-crash", key)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task No_password_or_private_key_reaches_the_logs()
    {
        var (user, password) = _server.EstCredentials();
        var firstRun = _server.Output;
        Assert.Equal(1, CountOf(firstRun, password)); // printed once, on first run, by design

        await _server.KillAsync();
        await _server.StartAsync();
        const string wrong = "Wrong-Password-4711";
        using (var bad = Client(user, wrong))
        using (var key = TestCsr.NewP256())
        {
            using var refused = await bad.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=log-check", key)));
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            using var good = Client(user, password);
            using var ok = await good.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=log-check", key)));
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
            using var badCsr = await good.PostAsync("simpleenroll", EstWire.Pkcs10([], "not base64 %%%"));
            Assert.Equal(HttpStatusCode.BadRequest, badCsr.StatusCode);
        }

        await Task.Delay(500); // let the log lines flush
        var later = _server.Output[firstRun.Length..];
        Assert.Contains("HTTP Basic authentication failed for user " + user, later, StringComparison.Ordinal);
        Assert.DoesNotContain(password, later, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, later, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", _server.Output, StringComparison.Ordinal);
        var passphrase = (await File.ReadAllTextAsync(Path.Combine(_dataDir, "ca-key.passphrase"))).Trim();
        Assert.DoesNotContain(passphrase, _server.Output, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
