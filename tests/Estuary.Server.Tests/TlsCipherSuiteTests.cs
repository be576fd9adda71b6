using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// Estuary:TlsCipherSuites, seen from a real OpenSSL client: "aead" (default) refuses a TLS 1.2 client that
/// offers only AES-CBC, "runtime" accepts the SHA-256 one; TLS 1.3 works either way. With OPENSSL_CONF naming the
/// shipped openssl-aead.cnf the AEAD list comes from OpenSSL itself: the same refusals, and .NET's cached context
/// resumes sessions (TLS 1.2 and 1.3), which the per-connection policy cannot.
/// </summary>
public sealed class TlsCipherSuiteTests
{
    [Fact]
    public async Task By_default_a_TLS12_client_offering_only_CBC_suites_is_refused_and_an_AEAD_one_is_served()
    {
        await using var server = await StartAsync(null);

        Assert.False(await HandshakeAsync(server, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256"));
        Assert.False(await HandshakeAsync(server, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA"));
        Assert.True(await HandshakeAsync(server, "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256"));
        Assert.True(await HandshakeAsync(server, "-tls1_3"));
        // Without OPENSSL_CONF the policy is set per connection: no cached context, so nothing to resume.
        Assert.Null(Environment.GetEnvironmentVariable("OPENSSL_CONF"));
        Assert.Equal("New", await ResumeAsync(server.Server.BaseUri.Port, server.Server.RootCertificatePath, "-tls1_3"));
    }

    [Fact]
    public async Task With_the_shipped_OpenSSL_configuration_the_AEAD_list_holds_and_sessions_resume()
    {
        var data = Directory.CreateTempSubdirectory("estuary-tls-");
        try
        {
            await using var server = new EstuaryProcess(data.FullName);
            var cnf = Path.Combine(Path.GetDirectoryName(EstuaryProcess.CliPath)!, "openssl-aead.cnf");
            Assert.True(File.Exists(cnf), "the build puts openssl-aead.cnf beside estuary.dll");
            server.Environment["OPENSSL_CONF"] = cnf;
            await server.StartAsync();

            Assert.Contains("TLS suites     aead (from the OpenSSL configuration", server.Output, StringComparison.Ordinal);
            var root = Path.Combine(data.FullName, "root-ca.pem");
            Assert.False(await HandshakeAsync(server.Port, root, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256"));
            Assert.False(await HandshakeAsync(server.Port, root, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA"));
            Assert.False(await HandshakeAsync(server.Port, root, "-tls1_3 -ciphersuites TLS_AES_128_CCM_SHA256"));
            Assert.True(await HandshakeAsync(server.Port, root, "-tls1_2 -cipher ECDHE-ECDSA-CHACHA20-POLY1305"));
            Assert.Equal("Reused", await ResumeAsync(server.Port, root, "-tls1_2"));
            Assert.Equal("Reused", await ResumeAsync(server.Port, root, "-tls1_3"));
        }
        finally
        {
            data.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task The_runtime_policy_also_serves_CBC_SHA256_suites_on_TLS12_but_never_SHA1_ones()
    {
        await using var server = await StartAsync("runtime");

        Assert.True(await HandshakeAsync(server, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA256"));
        Assert.False(await HandshakeAsync(server, "-tls1_2 -cipher ECDHE-ECDSA-AES128-SHA"));
        Assert.True(await HandshakeAsync(server, "-tls1_3"));
    }

    [Fact]
    public async Task An_unknown_policy_name_stops_the_server_with_a_clear_message()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:TlsCipherSuites"] = "weak" });
        var error = await Assert.ThrowsAnyAsync<Exception>(server.InitializeAsync);
        Assert.Contains("Estuary:TlsCipherSuites: \"weak\" is not aead or runtime", error.Message, StringComparison.Ordinal);
        await server.DisposeAsync();
    }

    private static async Task<AsyncDisposableServer> StartAsync(string? policy)
    {
        var configuration = new Dictionary<string, string?>();
        if (policy is not null)
        {
            configuration["Estuary:TlsCipherSuites"] = policy;
        }

        var server = EstuaryTestServer.With(configuration);
        await server.InitializeAsync();
        return new AsyncDisposableServer(server);
    }

    private static Task<bool> HandshakeAsync(AsyncDisposableServer server, string options) =>
        HandshakeAsync(server.Server.BaseUri.Port, server.Server.RootCertificatePath, options);

    private static async Task<bool> HandshakeAsync(int port, string root, string options)
    {
        var (exitCode, output) = await Processes.RunAsync(
            "sh",
            $"-c \"openssl s_client -connect 127.0.0.1:{port} -CAfile {root} -verify_return_error {options} < /dev/null\"");
        return exitCode == 0 && output.Contains("Verify return code: 0", StringComparison.Ordinal);
    }

    /// <summary>
    /// Two connections, the second offering the first one's session (a TLS 1.3 ticket or a TLS 1.2 session):
    /// "Reused" or "New", as s_client reports the second. Each sends one request so that the server's TLS 1.3
    /// tickets, which follow the handshake, arrive before the connection closes.
    /// </summary>
    private static async Task<string> ResumeAsync(int port, string root, string options)
    {
        var session = Path.GetTempFileName();
        try
        {
            var request = "printf 'GET /.well-known/est/cacerts HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n'";
            var client = $"openssl s_client -connect 127.0.0.1:{port} -CAfile {root} -verify_return_error -ign_eof {options}";
            // The server ends the connection without close_notify (quiet shutdown), which s_client reports as an
            // unexpected EOF and a non-zero exit: the verified handshake and the answer are what count here.
            var (_, firstOutput) = await Processes.RunAsync("sh", $"-c \"{request} | {client} -sess_out {session}\"");
            Assert.True(firstOutput.Contains("Verify return code: 0", StringComparison.Ordinal) && firstOutput.Contains("HTTP/1.1 200", StringComparison.Ordinal), firstOutput);
            var (_, output) = await Processes.RunAsync("sh", $"-c \"{request} | {client} -sess_in {session}\"");
            Assert.True(output.Contains("HTTP/1.1 200", StringComparison.Ordinal), output);
            return output.Contains("\nReused,", StringComparison.Ordinal) ? "Reused" : output.Contains("\nNew,", StringComparison.Ordinal) ? "New" : output;
        }
        finally
        {
            File.Delete(session);
        }
    }

    private sealed class AsyncDisposableServer(EstuaryTestServer server) : IAsyncDisposable
    {
        public EstuaryTestServer Server { get; } = server;

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
