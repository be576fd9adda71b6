using Estuary.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Estuary.Server.Tests;

/// <summary>
/// Runs ../shared/interop/run-interop.sh — curl+openssl, strongSwan pki, Bouncy Castle Java and Cisco libest, clients
/// nobody here wrote — against a real Estuary server, and fails on any FAIL line, and on a SKIP of anything a client
/// can do.
/// </summary>
public sealed class InteropHarnessTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = new();

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task Curl_strongSwan_Bouncy_Castle_and_libest_pass_every_operation_they_implement()
    {
        var harness = Path.Combine(RepositoryPaths.Shared, "interop", "run-interop.sh");
        var environment = new Dictionary<string, string>
        {
            ["EST_URL"] = _server.EstUrl,
            ["EST_TRUST_ANCHOR"] = _server.RootCertificatePath,
            ["EST_USER"] = _server.EstUsername,
            ["EST_PASS"] = _server.EstPassword,
            ["EST_CLIENTS"] = "curl bc strongswan libest",
            ["EST_LIBEST_CLIENT"] = LibestClient.Path,
            ["EST_OPS"] = "cacerts csrattrs simpleenroll simplereenroll serverkeygen",
        };

        var (code, text) = await Processes.RunAsync("bash", harness, environment, TimeSpan.FromMinutes(8));
        output.WriteLine(text);

        Assert.DoesNotContain("\nFAIL", "\n" + text, StringComparison.Ordinal);
        Assert.Equal(0, code);
        foreach (var client in new[] { "curl", "bc", "strongswan" })
        {
            Assert.Contains($"PASS {client}/simpleenroll", text, StringComparison.Ordinal);
            Assert.Contains($"PASS {client}/simplereenroll", text, StringComparison.Ordinal);
            Assert.Contains($"PASS {client}/cacerts", text, StringComparison.Ordinal);
        }

        // RFC 7030 §4.4: curl+openssl and Bouncy Castle parse the multipart answer; pki 5.9.8 has no serverkeygen.
        Assert.Contains("PASS curl/serverkeygen", text, StringComparison.Ordinal);
        Assert.Contains("PASS bc/serverkeygen", text, StringComparison.Ordinal);
        Assert.Contains("SKIP strongswan/serverkeygen", text, StringComparison.Ordinal);

        // libest does all five. Its serverkeygen CSR carries an RSA-2048 key, so the server generates RSA-2048: an EC
        // key's PKCS#8 is shorter than the 256 base64 characters estclient 3.2.0 insists on.
        foreach (var operation in new[] { "cacerts", "csrattrs", "simpleenroll", "simplereenroll", "serverkeygen" })
        {
            Assert.Contains($"PASS libest/{operation}", text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("SKIP libest/", text, StringComparison.Ordinal);
    }
}
