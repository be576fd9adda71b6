using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// Which recipient certificates a server-generated key may be encrypted to (RFC 7030 §4.4.1.2): RSA, EC and now ML-KEM
/// (RFC 9935, KEMRecipientInfo); any other key is refused with a 400 and its reason. ML-KEM labels compile (RFC 9935
/// keys come from serverkeygen), ML-DSA server keys are still refused.
/// </summary>
public sealed class MlKemKeyProtectionTests
{
    [Fact]
    public async Task An_ML_KEM_TLS_client_certificate_with_keyEncipherment_becomes_the_recipient()
    {
        var (spki, _) = MlKemKeys.Generate(Protocol.Asn1.Oids.MlKem768);
        using var recipient = CertificateFor(spki, X509KeyUsageFlags.KeyEncipherment);

        var plan = await ResolveAsync(recipient);

        Assert.NotNull(plan.Value);
        Assert.Same(recipient, plan.Value.Certificate);
    }

    [Fact]
    public async Task An_ML_KEM_certificate_without_keyEncipherment_is_refused()
    {
        var (spki, _) = MlKemKeys.Generate(Protocol.Asn1.Oids.MlKem512);
        using var recipient = CertificateFor(spki, X509KeyUsageFlags.DigitalSignature);

        var plan = await ResolveAsync(recipient);

        Assert.Null(plan.Value);
        Assert.Equal(EstErrorKind.BadRequest, plan.Error!.Kind);
        Assert.Contains("keyEncipherment", plan.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_Ed25519_recipient_certificate_gets_400_naming_the_key_types_that_work()
    {
        using var files = new PkiFiles();
        var (code, output) = await Processes.RunAsync("openssl", "req -x509 -newkey ed25519 -nodes -keyout ed.key -out ed.pem -subj /CN=ed25519-recipient -days 1 -addext subjectKeyIdentifier=hash -addext keyUsage=critical,keyEncipherment", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        using var recipient = X509CertificateLoader.LoadCertificateFromFile(files.File_("ed.pem"));

        var plan = await ResolveAsync(recipient);

        Assert.Null(plan.Value);
        Assert.Equal(EstErrorKind.BadRequest, plan.Error!.Kind);
        Assert.Contains("neither an RSA, an EC nor an ML-KEM key", plan.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ML-KEM-512")]
    [InlineData("ML-KEM-768")]
    [InlineData("ML-KEM-1024")]
    public void A_label_with_an_ML_KEM_ServerKeyAlgorithm_compiles(string name)
    {
        var options = new ProfileOptions { ServerKeyAlgorithm = name };
        options.ApplyDefaults();

        var profile = Profile.Compile("kem", options);

        Assert.Equal(KeyFamily.MlKem, profile.ServerKeyAlgorithm.Family);
        Assert.Equal(name, profile.ServerKeyAlgorithm.Name);
    }

    [Fact]
    public void A_label_with_an_ML_DSA_ServerKeyAlgorithm_is_still_refused()
    {
        var options = new ProfileOptions { ServerKeyAlgorithm = "ML-DSA-65" };
        options.ApplyDefaults();

        var e = Assert.Throws<ArgumentException>(() => Profile.Compile("dsa", options));
        Assert.Contains("not supported yet", e.Message, StringComparison.Ordinal);
    }

    private static Task<EstResult<KeyProtectionPlan>> ResolveAsync(X509Certificate2 recipient)
    {
        using var signerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signer = new CertificateRequest("CN=RA", signerKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        // The TLS client certificate is matched first, so the store is never asked.
        var protection = new ServerKeyProtection(store: null!, signer, [], new DecryptKeyProtector(Path.GetTempPath()), TimeProvider.System);
        var ski = Convert.FromHexString(((X509SubjectKeyIdentifierExtension)recipient.Extensions["2.5.29.14"]!).SubjectKeyIdentifier!);
        var context = new EstRequestContext { Label = "", ClientCertificate = recipient };
        return protection.ResolveAsync(new DecryptKeyRequest(DecryptKeyKind.Asymmetric, ski), EstPrincipal.ForAccount("alice"), context, default);
    }

    private static X509Certificate2 CertificateFor(byte[] subjectPublicKeyInfo, X509KeyUsageFlags usage)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var request = new CertificateRequest(new X500DistinguishedName("CN=ML-KEM device"), PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out _), HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(SHA256.HashData(subjectPublicKeyInfo)[..20], false));
        return request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [7, 7, 7]);
    }
}
