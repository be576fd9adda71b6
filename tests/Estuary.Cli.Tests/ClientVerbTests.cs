using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Estuary.Client;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>Every client verb against the real Estuary server over real TLS on loopback.</summary>
public sealed class ClientVerbTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private string[] Common(params string[] more) => ["--server", server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", server.RootCertificatePath, .. more];

    private string[] Basic(params string[] more) => Common(["--user", server.EstUsername, "--password", server.EstPassword, .. more]);

    [Fact]
    public async Task Cacerts_saves_the_chain_and_prints_subjects_and_fingerprints()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["cacerts", .. Common("--out", dir["ca.pem"])]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("CN=Estuary Root CA", r.Output, StringComparison.Ordinal);
        Assert.Contains(TrustFingerprint.Normalize(TrustFingerprint.Of(server.RootCertificate)), r.Output, StringComparison.Ordinal);
        var saved = new X509Certificate2Collection();
        saved.ImportFromPemFile(dir["ca.pem"]);
        Assert.Equal(2, saved.Count);
        Assert.Equal(server.RootCertificate.Thumbprint, saved[1].Thumbprint); // issuing CA first, root last
    }

    [Fact]
    public async Task Cacerts_bootstraps_with_the_right_fingerprint_and_saves_the_root()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync("cacerts", "--server", server.BaseUri.GetLeftPart(UriPartial.Authority), "--trust-fingerprint", TrustFingerprint.Of(server.RootCertificate), "--out", dir["ca.pem"], "--json");

        Assert.True(r.ExitCode == 0, r.ToString());
        using var json = JsonDocument.Parse(r.Output);
        Assert.True(json.RootElement.GetProperty("bootstrapped").GetBoolean());
        Assert.Contains(server.RootCertificate.ExportCertificatePem(), File.ReadAllText(dir["ca.pem"]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cacerts_with_a_wrong_fingerprint_exits_3_and_saves_nothing()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync("cacerts", "--server", server.BaseUri.GetLeftPart(UriPartial.Authority), "--trust-fingerprint", new string('0', 64), "--out", dir["ca.pem"]);

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("bootstrap refused", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir["ca.pem"]));
    }

    [Fact]
    public async Task An_untrusted_server_exits_3_and_says_to_pass_cacert_or_a_fingerprint()
    {
        var r = await Cli.RunAsync("cacerts", "--server", server.BaseUri.GetLeftPart(UriPartial.Authority));

        Assert.Equal(3, r.ExitCode);
        Assert.Contains("the server certificate is not trusted: pass --cacert FILE", r.Error, StringComparison.Ordinal);
        Assert.Contains("--trust-fingerprint SHA256", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csrattrs_prints_the_key_the_server_wants_as_a_table_and_as_json()
    {
        var table = await Cli.RunAsync(["csrattrs", .. Common()]);
        var json = await Cli.RunAsync(["csrattrs", .. Common("--json")]);

        Assert.True(table.ExitCode == 0, table.ToString());
        Assert.Contains("ECDSA P-256", table.Output, StringComparison.Ordinal);
        Assert.Contains("ecdsa-with-SHA256", table.Output, StringComparison.Ordinal);
        using var doc = JsonDocument.Parse(json.Output);
        Assert.Equal("P-256", doc.RootElement.GetProperty("curve").GetString());
    }

    [Fact]
    public async Task Enroll_writes_a_0600_key_a_certificate_that_openssl_verifies_and_a_PKCS12()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["enroll", .. Basic("--cn", "device-7", "--dns", "device-7.example", "--ip", "192.0.2.7", "--email", "ops@example.com", "--out-dir", dir.Path, "--p12", dir["device.p12"], "--p12-password", "s3cret")]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["key.pem"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["device.p12"]));
        var (code, output) = await Processes.RunAsync("openssl", $"verify -CAfile {server.RootCertificatePath} -untrusted {dir["chain.pem"]} {dir["cert.pem"]}");
        Assert.True(code == 0, output);
        using var cert = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.Equal("CN=device-7", cert.Subject);
        Assert.Equal(256, cert.GetECDsaPublicKey()!.KeySize);
        var san = cert.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains("device-7.example", san.EnumerateDnsNames());
        Assert.Contains(IPAddress.Parse("192.0.2.7"), san.EnumerateIPAddresses());
        using var p12 = X509CertificateLoader.LoadPkcs12FromFile(dir["device.p12"], "s3cret");
        Assert.Equal(cert.Thumbprint, p12.Thumbprint);
        Assert.True(p12.HasPrivateKey);
    }

    [Theory]
    [InlineData("P-384", "EC", 384)]
    [InlineData("RSA-2048", "RSA", 2048)]
    [InlineData("RSA-3072", "RSA", 3072)]
    public async Task Enroll_generates_the_key_type_asked_for(string keyType, string algorithm, int bits)
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["enroll", .. Basic("--subject", "CN=typed, O=Example", "--key-type", keyType, "--out-dir", dir.Path, "--json")]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var cert = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.Equal(bits, algorithm == "EC" ? cert.GetECDsaPublicKey()!.KeySize : cert.GetRSAPublicKey()!.KeySize);
        using var json = JsonDocument.Parse(r.Output);
        Assert.Equal(keyType, json.RootElement.GetProperty("key").GetString());
    }

    [Fact]
    public async Task Enroll_without_credentials_exits_1_and_says_how_to_authenticate()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["enroll", .. Common("--cn", "nobody", "--out-dir", dir.Path)]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--user", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir["key.pem"]));
    }

    [Fact]
    public async Task Enroll_can_authenticate_with_an_existing_certificate_instead_of_a_password()
    {
        using var first = new TempDir();
        using var second = new TempDir();
        Assert.Equal(0, (await Cli.RunAsync(["enroll", .. Basic("--cn", "gateway", "--out-dir", first.Path)])).ExitCode);

        var r = await Cli.RunAsync(["enroll", .. Common("--cn", "gateway", "--cert", first["cert.pem"], "--key", first["key.pem"], "--out-dir", second.Path)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.True(File.Exists(second["cert.pem"]));
    }

    [Fact]
    public async Task Reenroll_replaces_the_certificate_in_place_and_keeps_the_key()
    {
        using var dir = new TempDir();
        Assert.Equal(0, (await Cli.RunAsync(["enroll", .. Basic("--cn", "renew-in-place", "--dns", "rip.example", "--out-dir", dir.Path)])).ExitCode);
        var keyBefore = File.ReadAllText(dir["key.pem"]);
        using var before = X509CertificateLoader.LoadCertificateFromFile(dir["cert.pem"]);

        var r = await Cli.RunAsync(["reenroll", .. Common("--cert", dir["cert.pem"], "--key", dir["key.pem"])]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var after = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.NotEqual(before.SerialNumber, after.SerialNumber);
        Assert.Equal(before.Subject, after.Subject);
        Assert.Equal(keyBefore, File.ReadAllText(dir["key.pem"]));
        Assert.Empty(Directory.GetFiles(dir.Path, ".*tmp*"));
    }

    [Fact]
    public async Task Reenroll_with_rekey_writes_a_new_key_of_the_asked_type()
    {
        using var dir = new TempDir();
        using var renewed = new TempDir();
        Assert.Equal(0, (await Cli.RunAsync(["enroll", .. Basic("--cn", "rekey-me", "--out-dir", dir.Path)])).ExitCode);

        var r = await Cli.RunAsync(["reenroll", .. Common("--cert", dir["cert.pem"], "--key", dir["key.pem"], "--rekey", "--key-type", "P-384", "--out-dir", renewed.Path)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var after = X509Certificate2.CreateFromPemFile(renewed["cert.pem"], renewed["key.pem"]);
        Assert.Equal(384, after.GetECDsaPublicKey()!.KeySize);
        Assert.Equal("CN=rekey-me", after.Subject);
        Assert.True(File.Exists(renewed["chain.pem"]));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(renewed["key.pem"]));
    }

    [Fact]
    public async Task Reenroll_without_a_certificate_is_a_usage_error()
    {
        var r = await Cli.RunAsync(["reenroll", .. Common()]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--cert", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serverkeygen_against_a_server_without_it_exits_1_with_the_servers_reason()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--cn", "skg", "--out-dir", dir.Path)]);

        // Estuary's serverkeygen is built elsewhere; until then the server answers 404 with a reason.
        if (r.ExitCode == 0)
        {
            using var cert = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
            Assert.Equal("CN=skg", cert.Subject);
            return;
        }

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("serverkeygen", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir["key.pem"]));
    }

    [Fact]
    public async Task A_server_that_is_down_exits_4_with_a_clear_message()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        var r = await Cli.RunAsync("cacerts", "--server", $"https://127.0.0.1:{port}", "--cacert", server.RootCertificatePath, "--timeout", "10");

        Assert.Equal(4, r.ExitCode);
        Assert.Contains($"cannot reach https://127.0.0.1:{port}", r.Error, StringComparison.Ordinal);
        Assert.Contains("hint:", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cacerts")]
    [InlineData("enroll", "--cn", "x")]
    public async Task A_missing_server_is_a_usage_error(params string[] args)
    {
        var r = await Cli.RunAsync(args);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("--server", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_fingerprint_is_a_usage_error()
    {
        var r = await Cli.RunAsync("cacerts", "--server", "https://127.0.0.1:1", "--trust-fingerprint", "12:34");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("64 hexadecimal digits", r.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("cacerts")]
    [InlineData("csrattrs")]
    [InlineData("enroll")]
    [InlineData("reenroll")]
    [InlineData("serverkeygen")]
    [InlineData("renew")]
    public async Task Every_verb_has_help(string verb)
    {
        var r = await Cli.RunAsync(verb, "--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("Usage:", r.Output, StringComparison.Ordinal);
        Assert.Contains("--server", r.Output, StringComparison.Ordinal);
    }
}
