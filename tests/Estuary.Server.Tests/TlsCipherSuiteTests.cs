using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// Estuary:TlsCipherSuites, seen from a real OpenSSL client: "aead" (default) refuses a TLS 1.2 client that
/// offers only AES-CBC, "runtime" accepts the SHA-256 one; TLS 1.3 works either way.
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

    private static async Task<bool> HandshakeAsync(AsyncDisposableServer server, string options)
    {
        var uri = server.Server.BaseUri;
        var (exitCode, output) = await Processes.RunAsync(
            "sh",
            $"-c \"openssl s_client -connect 127.0.0.1:{uri.Port} -CAfile {server.Server.RootCertificatePath} -verify_return_error {options} < /dev/null\"");
        return exitCode == 0 && output.Contains("Verify return code: 0", StringComparison.Ordinal);
    }

    private sealed class AsyncDisposableServer(EstuaryTestServer server) : IAsyncDisposable
    {
        public EstuaryTestServer Server { get; } = server;

        public async ValueTask DisposeAsync() => await Server.DisposeAsync();
    }
}
