using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>`estuary serve` stopped as systemd stops it (SIGTERM): requests in flight are answered, then exit 0.</summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private readonly string _dataDir = Directory.CreateTempSubdirectory("estuary-stop").FullName;
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
}
