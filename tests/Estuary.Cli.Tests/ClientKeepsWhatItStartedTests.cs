using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// Issue #14 item 1, with the real `estuary` binary against a real server: a held request is kept and repeated
/// (RFC 7030 §4.2.3), nothing is overwritten without --force, an unwritable folder is refused before anything is
/// sent, an issued certificate that cannot be written lands in the fallback folder, a key that is not the
/// certificate's is one line.
/// </summary>
public sealed class ClientKeepsWhatItStartedTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held:RequireApproval"] = "true",
        ["Estuary:ApprovalRetryAfterSeconds"] = "1",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private string Connection => $"--server {_server.BaseUri.GetLeftPart(UriPartial.Authority)} --cacert {_server.RootCertificatePath} --user {_server.EstUsername}";

    private Dictionary<string, string> Environment(string? stateHome = null)
    {
        var environment = new Dictionary<string, string> { ["ESTUARY_PASSWORD"] = _server.EstPassword };
        if (stateHome is not null)
        {
            environment["XDG_STATE_HOME"] = stateHome;
        }

        return environment;
    }

    private Task<(int ExitCode, string Output)> EstuaryAsync(string arguments, string? stateHome = null) => EstuaryCli.RunAsync(arguments, Environment(stateHome));

    private Task<long> CertificateCountAsync() => _server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(CancellationToken.None);

    private async Task<JsonElement[]> HeldRequestsAsync()
    {
        var (code, output) = await EstuaryAsync($"approvals list --all --json --data-dir {_server.DataDir}");
        Assert.True(code == 0, output);
        using var json = JsonDocument.Parse(output);
        return json.RootElement.GetProperty("requests").EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    private static readonly UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    [Fact]
    public async Task A_held_enrollment_keeps_its_key_and_request_and_the_rerun_collects_that_same_request()
    {
        using var dir = new TempDir();
        var enroll = $"enroll {Connection} --label held --cn held-device --out-dir {dir["out"]} --max-wait 0";

        var (pendingCode, pendingText) = await EstuaryAsync(enroll);

        Assert.True(pendingCode == 5, pendingText);
        var kept = Path.Combine(dir["out"], ".estuary-pending");
        Assert.Contains(kept, pendingText, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(kept));
        foreach (var file in new[] { "key.pem", "request.csr", "pending.json" })
        {
            Assert.Equal(Secret, File.GetUnixFileMode(Path.Combine(kept, file)));
        }

        var keptKey = File.ReadAllText(Path.Combine(kept, "key.pem"));
        Assert.False(File.Exists(dir["out/key.pem"]));
        var request = Assert.Single(await HeldRequestsAsync());
        var id = request.GetProperty("id").GetInt64();
        var (approveCode, approveText) = await EstuaryAsync($"approvals approve {id} --data-dir {_server.DataDir}");
        Assert.True(approveCode == 0, approveText);

        var (code, text) = await EstuaryAsync(enroll);

        Assert.True(code == 0, text);
        Assert.Contains("Repeating the request kept in", text, StringComparison.Ordinal);
        Assert.Equal(keptKey, File.ReadAllText(dir["out/key.pem"]));
        using var issued = X509Certificate2.CreateFromPemFile(dir["out/cert.pem"], dir["out/key.pem"]); // throws if the key does not match
        var collected = Assert.Single(await HeldRequestsAsync()); // no second request
        Assert.Equal(id, collected.GetProperty("id").GetInt64());
        Assert.Equal("issued", collected.GetProperty("status").GetString());
        Assert.Equal(issued.SerialNumber, collected.GetProperty("issuedSerial").GetString(), ignoreCase: true);
        Assert.False(Directory.Exists(kept));
    }

    [Fact]
    public async Task A_rerun_that_asks_for_something_else_is_refused_and_the_kept_request_stays()
    {
        using var dir = new TempDir();
        Assert.Equal(5, (await EstuaryAsync($"enroll {Connection} --label held --cn first --out-dir {dir.Path} --max-wait 0")).ExitCode);

        var (code, text) = await EstuaryAsync($"enroll {Connection} --label held --cn second --out-dir {dir.Path} --max-wait 0");

        Assert.True(code == 2, text);
        Assert.Contains("holds a pending enroll request for \"CN=first\"", text, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(dir.Path, ".estuary-pending", "key.pem")));
        Assert.Single(await HeldRequestsAsync());
    }

    [Fact]
    public async Task Nothing_is_overwritten_without_force_and_the_refusal_comes_before_any_request()
    {
        using var dir = new TempDir();
        var enroll = $"enroll {Connection} --cn kept --out-dir {dir.Path}";
        Assert.Equal(0, (await EstuaryAsync(enroll)).ExitCode);
        var key = File.ReadAllText(dir["key.pem"]);
        var certificates = await CertificateCountAsync();

        var (code, text) = await EstuaryAsync(enroll);

        Assert.True(code == 2, text);
        Assert.Equal($"estuary enroll: {dir["key.pem"]} exists; pass --force to replace it, or choose another --out-dir", text.Trim());
        Assert.Equal(key, File.ReadAllText(dir["key.pem"]));
        Assert.Equal(certificates, await CertificateCountAsync());

        var (p12Code, p12Text) = await EstuaryAsync($"enroll {Connection} --cn kept --out-dir {dir["other"]} --p12 {dir["cert.pem"]} --p12-password x");
        Assert.True(p12Code == 2, p12Text);
        Assert.Contains($"{dir["cert.pem"]} exists; pass --force", p12Text, StringComparison.Ordinal);

        var (forced, forcedText) = await EstuaryAsync(enroll + " --force");
        Assert.True(forced == 0, forcedText);
        Assert.NotEqual(key, File.ReadAllText(dir["key.pem"]));
        Assert.Equal(certificates + 1, await CertificateCountAsync());
    }

    [Fact]
    public async Task An_out_dir_that_cannot_be_written_is_refused_before_anything_is_sent()
    {
        var certificates = await CertificateCountAsync();

        var (code, text) = await EstuaryAsync($"enroll {Connection} --cn lost --out-dir /proc/nope");

        Assert.True(code == 2, text);
        Assert.StartsWith("estuary enroll: --out-dir /proc/nope: cannot write there", text, StringComparison.Ordinal);
        Assert.Single(text.Trim().Split('\n'));
        Assert.Equal(certificates, await CertificateCountAsync());
    }

    [Fact]
    public async Task A_missing_out_dir_is_created_0700()
    {
        using var dir = new TempDir();

        var (code, text) = await EstuaryAsync($"enroll {Connection} --cn fresh --out-dir {dir["a/b"]}");

        Assert.True(code == 0, text);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir["a/b"]));
        Assert.Equal(Secret, File.GetUnixFileMode(dir["a/b/key.pem"]));
    }

    [Fact]
    public async Task A_certificate_that_cannot_be_written_where_asked_is_saved_to_the_fallback_folder()
    {
        using var dir = new TempDir();
        var output = dir["out"];
        var enroll = EstuaryAsync($"enroll {Connection} --label held --cn fallback-device --out-dir {output} --max-wait 120 --json", stateHome: dir["state"]);

        // Once the request is held (and kept), the output folder becomes a plain file: writing fails only now.
        var id = await WaitForHeldRequestAsync(enroll);
        Directory.Move(output, dir["moved-away"]);
        File.WriteAllText(output, "not a folder");
        Assert.Equal(0, (await EstuaryAsync($"approvals approve {id} --data-dir {_server.DataDir}")).ExitCode);
        var (code, text) = await enroll;

        Assert.True(code == 8, text);
        using var json = JsonDocument.Parse(text[..(text.LastIndexOf('}') + 1)]);
        var fallback = json.RootElement.GetProperty("fallback").GetString()!;
        Assert.StartsWith(dir["state/estuary/issued/"], fallback, StringComparison.Ordinal);
        Assert.Contains($"saved to {fallback} instead", text, StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(fallback));
        Assert.Equal(Secret, File.GetUnixFileMode(Path.Combine(fallback, "key.pem")));
        using var issued = X509Certificate2.CreateFromPemFile(Path.Combine(fallback, "cert.pem"), Path.Combine(fallback, "key.pem"));
        Assert.Equal("CN=fallback-device", issued.Subject);
        var request = Assert.Single(await HeldRequestsAsync());
        Assert.Equal(issued.SerialNumber, request.GetProperty("issuedSerial").GetString(), ignoreCase: true);
    }

    /// <summary>Waits, without a fixed delay, until the server holds one request (or the client has given up).</summary>
    private async Task<long> WaitForHeldRequestAsync(Task<(int ExitCode, string Output)> client)
    {
        var store = _server.GetRequiredService<IEstuaryStore>();
        while (true)
        {
            var held = await store.ListPendingRequestsAsync(PendingRequestStatus.Pending, 10, CancellationToken.None);
            if (held.Count > 0)
            {
                return held[0].Id;
            }

            Assert.False(client.IsCompleted, client.IsCompleted ? client.Result.Output : "");
            await Task.Delay(50);
        }
    }

    [Fact]
    public async Task Reenroll_with_a_key_that_is_not_the_certificates_is_one_line_and_exit_2()
    {
        using var first = new TempDir();
        using var second = new TempDir();
        Assert.Equal(0, (await EstuaryAsync($"enroll {Connection} --cn one --out-dir {first.Path}")).ExitCode);
        Assert.Equal(0, (await EstuaryAsync($"enroll {Connection} --cn two --out-dir {second.Path}")).ExitCode);

        var (code, text) = await EstuaryCli.RunAsync($"reenroll --server {_server.BaseUri.GetLeftPart(UriPartial.Authority)} --cacert {_server.RootCertificatePath} --cert {first["cert.pem"]} --key {second["key.pem"]}");

        Assert.True(code == 2, text);
        Assert.Equal($"estuary reenroll: --key {second["key.pem"]} is not the private key of --cert {first["cert.pem"]}", text.Trim());
    }
}
