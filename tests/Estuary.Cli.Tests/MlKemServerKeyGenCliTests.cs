using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>A server with an ML-KEM-768 label ("mlkem") and an ML-KEM-1024 label ("mlkem1024").</summary>
public sealed class MlKemCliServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:mlkem:ServerKeyAlgorithm"] = "ML-KEM-768",
        ["Estuary:Labels:mlkem1024:ServerKeyAlgorithm"] = "ML-KEM-1024",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// `estuary serverkeygen` on an ML-KEM label writes the PKCS#8 key (RFC 9935 seed form); with --encrypt-cert/--encrypt-key
/// naming the ML-KEM certificate and key of an earlier serverkeygen, the server answers with a KEMRecipientInfo
/// (RFC 9629) that the client opens with that key, in any of the three private-key forms.
/// </summary>
public sealed class MlKemServerKeyGenCliTests(MlKemCliServer fixture) : IClassFixture<MlKemCliServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private string[] Basic(params string[] more) =>
        ["--server", Server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", Server.RootCertificatePath, "--user", Server.EstUsername, "--password", Server.EstPassword, .. more];

    [Fact]
    public async Task Serverkeygen_on_an_ML_KEM_label_writes_the_PKCS8_key_of_the_ML_KEM_certificate()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--label", "mlkem1024", "--cn", "cli-mlkem-plain", "--out-dir", dir.Path)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Contains("ML-KEM-1024 key", r.Output, StringComparison.Ordinal);
        var (certificate, pkcs8) = ReadOutput(dir);
        Assert.Equal(Protocol.Asn1.Oids.MlKem1024, certificate.PublicKey.Oid.Value);
        _ = MlKemKeys.ReadPrivateKey(pkcs8, out var form);
        Assert.Equal(MlKemPrivateKeyForm.Seed, form);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), MlKemKeys.PublicKeyInfoOf(pkcs8));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(dir["key.pem"]));
    }

    [Theory]
    [InlineData(MlKemPrivateKeyForm.Seed)]
    [InlineData(MlKemPrivateKeyForm.ExpandedKey)]
    [InlineData(MlKemPrivateKeyForm.Both)]
    public async Task Serverkeygen_encrypted_to_the_ML_KEM_certificate_of_an_earlier_serverkeygen_saves_the_decrypted_key(MlKemPrivateKeyForm form)
    {
        using var recipient = new TempDir();
        using var generated = new TempDir();
        var first = await Cli.RunAsync(["serverkeygen", .. Basic("--label", "mlkem", "--cn", $"cli-mlkem-recipient-{form}", "--out-dir", recipient.Path)]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var (_, recipientKey) = ReadOutput(recipient);
        await File.WriteAllTextAsync(recipient["key-form.pem"], PemEncoding.WriteString("PRIVATE KEY", MlKemKeys.WritePrivateKey(MlKemKeys.ReadPrivateKey(recipientKey, out _), form)));

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--label", "mlkem", "--cn", $"cli-mlkem-enc-{form}", "--encrypt-cert", recipient["cert.pem"], "--encrypt-key", recipient["key-form.pem"], "--out-dir", generated.Path)]);

        Assert.True(r.ExitCode == 0, r.ToString());
        var (certificate, pkcs8) = ReadOutput(generated);
        Assert.Equal($"CN=cli-mlkem-enc-{form}", certificate.Subject);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), MlKemKeys.PublicKeyInfoOf(pkcs8));
    }

    [Fact]
    public async Task An_encrypt_key_that_is_not_the_ML_KEM_certificates_key_exits_2_before_anything_is_issued()
    {
        using var recipient = new TempDir();
        using var generated = new TempDir();
        var first = await Cli.RunAsync(["serverkeygen", .. Basic("--label", "mlkem", "--cn", "cli-mlkem-mismatch", "--out-dir", recipient.Path)]);
        Assert.True(first.ExitCode == 0, first.ToString());
        var (_, other) = MlKemKeys.Generate(Protocol.Asn1.Oids.MlKem768);
        await File.WriteAllTextAsync(recipient["other.pem"], PemEncoding.WriteString("PRIVATE KEY", other));

        var r = await Cli.RunAsync(["serverkeygen", .. Basic("--label", "mlkem", "--cn", "cli-mlkem-mismatch-2", "--encrypt-cert", recipient["cert.pem"], "--encrypt-key", recipient["other.pem"], "--out-dir", generated.Path)]);

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("does not belong", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(generated["key.pem"]));
    }

    [Theory]
    [InlineData("ML-KEM-768", 0, "No problems found.")]
    [InlineData("ML-KEM-999", 2, "Estuary:Labels:kem:ServerKeyAlgorithm")]
    [InlineData("ML-DSA-65", 2, "post-quantum key type")]
    public async Task Config_check_accepts_an_ML_KEM_ServerKeyAlgorithm_and_names_what_it_refuses(string value, int exitCode, string phrase)
    {
        using var dir = new TempDir();

        var (code, output) = await EstuaryCli.RunAsync($"config check --data-dir {dir["data"]} --listen https://127.0.0.1:0 --admin-listen https://127.0.0.1:0", new Dictionary<string, string> { ["Estuary__Labels__kem__ServerKeyAlgorithm"] = value });

        Assert.True(code == exitCode, output);
        Assert.Contains(phrase, output, StringComparison.Ordinal);
    }

    private static (X509Certificate2 Certificate, byte[] Pkcs8) ReadOutput(TempDir dir)
    {
        var text = File.ReadAllText(dir["key.pem"]);
        Assert.True(PemEncoding.TryFind(text, out var fields));
        Assert.Equal("PRIVATE KEY", text[fields.Label]);
        return (X509CertificateLoader.LoadCertificateFromFile(dir["cert.pem"]), Convert.FromBase64String(text[fields.Base64Data]));
    }
}
