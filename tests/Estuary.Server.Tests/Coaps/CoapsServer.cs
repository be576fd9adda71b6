using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Coaps;

/// <summary>
/// A real Estuary server with its EST-coaps listener on loopback, and a bootstrap certificate enrolled over HTTPS
/// with the EST account's Basic credentials: CoAP has no Basic (RFC 9148 §3), so a device comes with a certificate.
/// </summary>
public sealed class CoapsServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.WithCoaps(new Dictionary<string, string?>
    {
        ["Estuary:Labels:default:ValidityDays"] = "30",
        ["Estuary:Labels:pop:RequireProofOfPossessionLinking"] = "true",
        ["Estuary:Labels:held:RequireApproval"] = "true",
        ["Estuary:ApprovalRetryAfterSeconds"] = "7",
    });

    public PkiFiles Files { get; } = new();

    public string Uri => Server.CoapsUri!;

    public string RootPem { get; private set; } = "";

    public string BootstrapPem { get; private set; } = "";

    public string BootstrapKeyPem { get; private set; } = "";

    public X509Certificate2 Bootstrap { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        RootPem = Files.Certificates("root.pem", Server.RootCertificate);
        using var key = TestCsr.NewP256();
        using var basic = Server.CreateClient(basicAuth: true);
        Bootstrap = await EstWire.EnrollAsync(basic, "CN=coaps-bootstrap", key);
        BootstrapPem = Files.Certificates("bootstrap.pem", Bootstrap);
        BootstrapKeyPem = WriteKey("bootstrap.key", key);
    }

    /// <summary>Writes a PKCS#8 PEM key file (0600) for coap-client's -j.</summary>
    public string WriteKey(string name, ECDsa key)
    {
        var path = Files.File_(name);
        File.WriteAllText(path, key.ExportPkcs8PrivateKeyPem() + "\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return path;
    }

    /// <summary>Writes DER bytes to a file (a CSR for coap-client's -f).</summary>
    public string WriteDer(string name, byte[] der)
    {
        var path = Files.File_(name);
        File.WriteAllBytes(path, der);
        return path;
    }

    public async Task DisposeAsync()
    {
        await Server.DisposeAsync();
        Bootstrap?.Dispose();
        Files.Dispose();
    }
}
