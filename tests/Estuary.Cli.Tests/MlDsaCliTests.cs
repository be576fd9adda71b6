using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Crypto;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>A server with an ML-DSA-65 hierarchy and a label that prefers ML-DSA-65 keys.</summary>
public sealed class MlDsaCliServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Ca:Hierarchies:pqc:KeyAlgorithm"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:Hierarchy"] = "pqc",
        ["Estuary:Labels:pqc:AllowedKeys:0"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:AllowedKeys:1"] = "P-256",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>`estuary enroll --key-type ml-dsa-65`: the CLI makes an ML-DSA key, writes it as RFC 9881 PKCS#8, and the certificate verifies under Node.</summary>
public sealed class MlDsaCliTests(MlDsaCliServer fixture) : IClassFixture<MlDsaCliServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private string[] Basic(params string[] more) =>
        ["--server", Server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", Server.RootCertificatePath, "--user", Server.EstUsername, "--password", Server.EstPassword, "--label", "pqc", .. more];

    [Fact]
    public async Task Enroll_with_key_type_ml_dsa_65_writes_a_seed_form_PKCS8_key_and_an_ML_DSA_certificate()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["enroll", .. Basic("--cn", "cli-pqc", "--key-type", "ml-dsa-65", "--out-dir", dir["out"])]);

        Assert.True(r.ExitCode == 0, r.ToString());
        var pem = await File.ReadAllTextAsync(Path.Combine(dir["out"], "key.pem"));
        var pkcs8 = PemEncoding.Find(pem) is var fields && pem[fields.Label] is "PRIVATE KEY" ? Convert.FromBase64String(pem[fields.Base64Data].ToString()) : throw new InvalidOperationException(pem);
        var key = MlDsaPrivateKey.ImportPkcs8(pkcs8);
        Assert.Equal(Oids.MlDsa65, key.Oid);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir["out"], "key.pem")));
        // RFC 9881 §6: the privateKey OCTET STRING holds seed [0] IMPLICIT OCTET STRING (SIZE (32)).
        var info = new AsnReader(pkcs8, AsnEncodingRules.DER).ReadSequence();
        info.ReadInteger();
        info.ReadSequence();
        Assert.Equal([0x80, 0x20], info.ReadOctetString()[..2]);

        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir["out"], "cert.pem")));
        Assert.Equal(key.SubjectPublicKeyInfo, certificate.PublicKey.ExportSubjectPublicKeyInfo());
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(Path.Combine(dir["out"], "chain.pem"));
        var issuing = chain.Single(c => c.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData));
        await File.WriteAllBytesAsync(dir["ee.der"], certificate.RawData);
        await File.WriteAllBytesAsync(dir["issuing.der"], issuing.RawData);
        var (code, output) = await NodeVerifier.RunAsync("mldsa-verify.mjs", "cert", dir["ee.der"], dir["issuing.der"]);
        Assert.True(code == 0, output);
    }

    [Fact]
    public async Task Without_key_type_the_CLI_takes_the_ML_DSA_key_the_label_asks_for_in_csrattrs()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["enroll", .. Basic("--cn", "cli-pqc-csrattrs", "--out-dir", dir["out"])]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(dir["out"], "cert.pem")));
        Assert.Equal(Oids.MlDsa65, certificate.PublicKey.Oid.Value);
    }

    [Fact]
    public async Task Fullcmc_with_key_type_ml_dsa_65_enrolls_and_writes_the_labels_ML_DSA_chain()
    {
        using var dir = new TempDir();

        var r = await Cli.RunAsync(["fullcmc", .. Basic("--cn", "cli-pqc-cmc", "--key-type", "ml-dsa-65", "--out-dir", dir["out"])]);

        Assert.True(r.ExitCode == 0, r.ToString());
        using var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dir["out"], "cert.pem")));
        Assert.Equal(Oids.MlDsa65, certificate.PublicKey.Oid.Value);
        var chain = new X509Certificate2Collection();
        chain.ImportFromPemFile(Path.Combine(dir["out"], "chain.pem"));
        Assert.Contains(chain, c => c.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData));
    }

    [Fact]
    public async Task Reenroll_with_an_ML_DSA_certificate_renews_it_through_fullcmc_signed_with_the_current_key()
    {
        using var dir = new TempDir();
        var enrolled = await Cli.RunAsync(["enroll", .. Basic("--cn", "cli-pqc-renew", "--key-type", "ML-DSA-65", "--out-dir", dir["out"])]);
        Assert.True(enrolled.ExitCode == 0, enrolled.ToString());
        var certPath = Path.Combine(dir["out"], "cert.pem");
        using var before = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));

        // No --user/--password and no TLS client certificate: the PKIData's signature by the current key is the proof.
        var r = await Cli.RunAsync("reenroll", "--server", Server.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", Server.RootCertificatePath, "--label", "pqc",
            "--cert", certPath, "--key", Path.Combine(dir["out"], "key.pem"));

        Assert.True(r.ExitCode == 0, r.ToString());
        using var after = X509Certificate2.CreateFromPem(File.ReadAllText(certPath));
        Assert.NotEqual(before.SerialNumber, after.SerialNumber);
        Assert.Equal(before.SubjectName.RawData, after.SubjectName.RawData);
        Assert.Equal(before.PublicKey.ExportSubjectPublicKeyInfo(), after.PublicKey.ExportSubjectPublicKeyInfo());
        var record = await Server.GetRequiredService<Estuary.Storage.IEstuaryStore>().FindCertificateAsync(after.SerialNumber, default);
        Assert.Equal(before.SerialNumber, record!.Replaces);
    }
}
