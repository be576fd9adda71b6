using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>A server whose certificates may receive keys (keyEncipherment and keyAgreement).</summary>
public sealed class KeyReceivingCliServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:default:KeyUsage:0"] = "DigitalSignature",
        ["Estuary:Labels:default:KeyUsage:1"] = "KeyEncipherment",
        ["Estuary:Labels:default:KeyUsage:2"] = "KeyAgreement",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>`estuary serverkeygen` with the key returned encrypted (RFC 7030 §4.4.2), and `estuary decrypt-keys set`.</summary>
public sealed class ServerKeyGenEncryptedCliTests(KeyReceivingCliServer fixture) : IClassFixture<KeyReceivingCliServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private string[] Basic(params string[] more) =>
        ["--server", Server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", Server.RootCertificatePath, "--user", Server.EstUsername, "--password", Server.EstPassword, .. more];

    [Fact]
    public async Task Serverkeygen_with_encrypt_cert_saves_the_decrypted_key_of_the_new_certificate()
    {
        using var recipient = new TempDir();
        using var generated = new TempDir();
        var enrolled = await Cli.RunAsync(["enroll", .. Basic("--cn", "cli-recipient", "--key-type", "RSA-2048", "--no-csrattrs", "--out-dir", recipient.Path)]);
        Assert.True(enrolled.ExitCode == 0, enrolled.ToString());

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--cn", "cli-enc-rsa", "--encrypt-cert", recipient["cert.pem"], "--encrypt-key", recipient["key.pem"], "--out-dir", generated.Path)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var certificate = X509Certificate2.CreateFromPemFile(generated["cert.pem"], generated["key.pem"]);
        Assert.Equal("CN=cli-enc-rsa", certificate.Subject);
        Assert.True(certificate.HasPrivateKey);
    }

    [Fact]
    public async Task Decrypt_keys_set_then_serverkeygen_with_kek_saves_the_key()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir["kek.hex"], Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) + "\n");

        var set = await Cli.RunAsync("decrypt-keys", "set", "--data-dir", Server.DataDir, "--account", Server.EstUsername, "--key-id", "C11E", "--key-file", dir["kek.hex"]);
        Assert.True(set.ExitCode == 0, set.ToString());
        Assert.DoesNotContain(File.ReadAllText(dir["kek.hex"]).Trim(), set.Output, StringComparison.OrdinalIgnoreCase);

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--cn", "cli-enc-kek", "--kek-id", "C11E", "--kek-file", dir["kek.hex"], "--out-dir", dir.Path)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var certificate = X509Certificate2.CreateFromPemFile(dir["cert.pem"], dir["key.pem"]);
        Assert.Equal("CN=cli-enc-kek", certificate.Subject);
    }

    [Fact]
    public async Task Decrypt_keys_set_for_an_unknown_account_exits_1()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir["kek.hex"], Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

        var r = await Cli.RunAsync("decrypt-keys", "set", "--data-dir", Server.DataDir, "--account", "nobody", "--key-id", "01", "--key-file", dir["kek.hex"]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no EST account 'nobody'", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serverkeygen_with_an_unknown_kek_id_exits_1_with_the_servers_reason_and_writes_no_key()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir["kek.hex"], Convert.ToHexString(RandomNumberGenerator.GetBytes(16)));

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--cn", "cli-enc-unknown", "--kek-id", "DEAD", "--kek-file", dir["kek.hex"], "--out-dir", dir.Path)]);

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("DecryptKeyIdentifier DEAD", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir["key.pem"]));
    }
}
