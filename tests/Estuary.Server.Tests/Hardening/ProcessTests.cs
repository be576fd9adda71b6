using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Estuary.Storage.Sqlite;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>`estuary serve` as an OS process: killed mid-load, restarted, stopped as systemd stops it, and its logs read for secrets.</summary>
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

    private HttpClient Client(string username, string password) => Client(_server, _dataDir, username, password);

    private static HttpClient Client(EstuaryProcess server, string dataDir, string username, string password)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDir, "root-ca.pem")));
        var handler = new SocketsHttpHandler();
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        handler.SslOptions.CertificateChainPolicy = policy;
        var client = new HttpClient(handler) { BaseAddress = new Uri(server.EstUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
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
    public async Task An_enrollment_in_flight_when_SIGTERM_arrives_is_answered_and_the_server_exits_0()
    {
        var (user, password) = _server.EstCredentials();
        using var key = TestCsr.NewP256();
        var body = Encoding.ASCII.GetBytes(Convert.ToBase64String(TestCsr.Create("CN=in-flight", key), Base64FormattingOptions.InsertLineBreaks));
        using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_dataDir, "root-ca.pem")));
        using var tcp = new TcpClient();
        await tcp.ConnectAsync("127.0.0.1", _server.Port);
        await using var tls = new SslStream(tcp.GetStream());
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "127.0.0.1", CertificateChainPolicy = policy });
        var head = "POST /.well-known/est/simpleenroll HTTP/1.1\r\n" +
            $"Host: 127.0.0.1:{_server.Port}\r\n" +
            "Authorization: Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)) + "\r\n" +
            "Content-Type: application/pkcs10\r\nContent-Transfer-Encoding: base64\r\n" +
            $"Content-Length: {body.Length}\r\n\r\n";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(head));
        await tls.WriteAsync(body.AsMemory(0, body.Length / 2)); // the request has begun; its body is still arriving
        await tls.FlushAsync();
        await Task.Delay(500);

        var exit = _server.TerminateAsync(TimeSpan.FromSeconds(60));
        // Longer than System.CommandLine's default wait after a signal (2 s), which ended the process with 143 mid-request.
        await Task.Delay(TimeSpan.FromSeconds(4));
        Assert.False(exit.IsCompleted, "the server exited while a request was in flight:\n" + _server.Output);
        await tls.WriteAsync(body.AsMemory(body.Length / 2));
        await tls.FlushAsync();

        using var reader = new StreamReader(tls, Encoding.ASCII);
        var status = await reader.ReadLineAsync();
        Assert.Equal("HTTP/1.1 200 OK", status);
        Assert.Equal(0, await exit);
    }

    [Fact]
    public async Task No_password_or_private_key_reaches_the_logs()
    {
        var (user, password) = _server.EstCredentials();
        var firstRun = _server.Output;
        // Output redirected (a journal, a CI log): the password is not printed, the 0600 file that holds it is named.
        Assert.Equal(0, CountOf(firstRun, password));
        Assert.Contains($"password in {Path.Combine(_dataDir, "initial-credentials.json")}", firstRun, StringComparison.Ordinal);

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
        // Log lines carry a UTC ISO-8601 timestamp by default.
        Assert.Matches(@"(?m)^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z \w+: .*HTTP Basic authentication failed for user", later);
        Assert.DoesNotContain(password, later, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, later, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", _server.Output, StringComparison.Ordinal);
        var passphrase = (await File.ReadAllTextAsync(Path.Combine(_dataDir, "ca-key.passphrase"))).Trim();
        Assert.DoesNotContain(passphrase, _server.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_logs_parse_as_JSON_and_neither_they_the_banner_nor_config_check_show_a_secret()
    {
        var dataDir = Directory.CreateTempSubdirectory("estuary-json").FullName;
        const string passphrase = "Json-Log-Passphrase-7781";
        var environment = new Dictionary<string, string> { ["Estuary__Logging__Format"] = "json", ["Estuary__Ca__KeyPassphrase"] = passphrase };
        try
        {
            await using var server = new EstuaryProcess(dataDir);
            foreach (var (name, value) in environment)
            {
                server.Environment[name] = value;
            }

            await server.StartAsync();
            var (user, password) = server.EstCredentials();
            using (var bad = Client(server, dataDir, user, "Wrong-Json-Password-55"))
            using (var key = TestCsr.NewP256())
            {
                using var refused = await bad.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=json-log", key)));
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            }

            var (code, check) = await EstuaryCli.RunAsync($"config check --data-dir {dataDir}", environment);
            Assert.True(code == 0, check);
            await Task.Delay(500); // let the log lines flush

            var logLines = server.Output.Split('\n').Where(l => l.StartsWith('{')).ToList();
            Assert.NotEmpty(logLines);
            foreach (var line in logLines)
            {
                using var entry = JsonDocument.Parse(line);
                Assert.True(entry.RootElement.TryGetProperty("Timestamp", out _), line);
                Assert.True(entry.RootElement.TryGetProperty("LogLevel", out _), line);
            }

            Assert.Contains(logLines, l => l.Contains("HTTP Basic authentication failed for user " + user, StringComparison.Ordinal));
            using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDir, "initial-credentials.json")));
            var adminPassword = credentials.RootElement.GetProperty("admin").GetProperty("password").GetString()!;
            foreach (var text in new[] { server.Output, check })
            {
                foreach (var secret in new[] { password, adminPassword, passphrase, "Wrong-Json-Password-55", "PRIVATE KEY" })
                {
                    Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
                }
            }
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    [Fact]
    public async Task On_a_terminal_the_first_start_prints_the_initial_passwords()
    {
        var dataDir = Directory.CreateTempSubdirectory("estuary-tty").FullName;
        try
        {
            // script(1) gives the server a pseudo-terminal as stdout, as an operator's shell does.
            var command = $"dotnet '{EstuaryProcess.CliPath}' serve --data-dir '{dataDir}' --listen https://127.0.0.1:0 --admin-listen https://127.0.0.1:0";
            var start = new ProcessStartInfo("script") { RedirectStandardOutput = true, RedirectStandardInput = true, UseShellExecute = false };
            foreach (var argument in new[] { "-qfc", command, "/dev/null" })
            {
                start.ArgumentList.Add(argument);
            }

            using var process = Process.Start(start)!;
            var output = new StringBuilder();
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
                while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
                {
                    output.AppendLine(line);
                    if (line.StartsWith("Estuary is ready:", StringComparison.Ordinal))
                    {
                        break;
                    }
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
            }

            using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dataDir, "initial-credentials.json")));
            var text = output.ToString();
            Assert.Contains($"password {credentials.RootElement.GetProperty("est").GetProperty("password").GetString()}", text, StringComparison.Ordinal);
            Assert.Contains($"password {credentials.RootElement.GetProperty("admin").GetProperty("password").GetString()}", text, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
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
