using System.Security.Cryptography;
using Estuary.Protocol;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>/serverkeygen's key type: the CSR's when the label accepts it, the label's default otherwise.</summary>
public sealed class ServerKeyChoiceTests
{
    private static Profile Compile(Action<ProfileOptions>? configure = null)
    {
        var options = new ProfileOptions();
        configure?.Invoke(options);
        options.ApplyDefaults();
        return Profile.Compile("test", options);
    }

    private static PublicKeyKind KeyOf(AsymmetricAlgorithm key) =>
        RequestedCertificate.Decode(CertificationRequest.Decode(TestCsr.Create("CN=x", key))).PublicKey;

    [Theory]
    [InlineData(2048)]
    [InlineData(3072)]
    [InlineData(4096)]
    public void An_RSA_CSR_gets_an_RSA_key_of_its_size(int bits)
    {
        using var key = RSA.Create(bits);

        var (algorithm, fromCsr) = CsrPolicy.ChooseServerKey(Compile(), KeyOf(key));

        Assert.True(fromCsr);
        Assert.Equal($"RSA-{bits}", algorithm.Name);
    }

    [Fact]
    public void A_P384_CSR_gets_a_P384_key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var (algorithm, fromCsr) = CsrPolicy.ChooseServerKey(Compile(), KeyOf(key));

        Assert.True(fromCsr);
        Assert.Equal("P-384", algorithm.Name);
    }

    [Fact]
    public void A_key_type_the_label_does_not_accept_gets_the_label_default()
    {
        using var key = RSA.Create(2048);
        var profile = Compile(p =>
        {
            p.AllowedKeys.Add("P-384");
            p.ServerKeyAlgorithm = "P-384";
        });

        var (algorithm, fromCsr) = CsrPolicy.ChooseServerKey(profile, KeyOf(key));

        Assert.False(fromCsr);
        Assert.Equal("P-384", algorithm.Name);
    }

    [Fact]
    public void An_RSA_size_below_the_label_minimum_gets_the_label_default()
    {
        using var key = RSA.Create(2048);
        var profile = Compile(p => p.MinRsaBits = 3072);

        var (algorithm, fromCsr) = CsrPolicy.ChooseServerKey(profile, KeyOf(key));

        Assert.False(fromCsr);
        Assert.Equal("P-256", algorithm.Name);
    }

    [Fact]
    public void An_RSA_size_above_what_the_server_generates_on_request_gets_the_label_default()
    {
        // Only the public key's size is read; the test needs no 8192-bit key, a CSR claiming one is enough.
        var requested = new PublicKeyKind(Protocol.Asn1.Oids.RsaEncryption, null, 8192);

        var (algorithm, fromCsr) = CsrPolicy.ChooseServerKey(Compile(), requested);

        Assert.False(fromCsr);
        Assert.Equal("P-256", algorithm.Name);
    }

    [Fact]
    public void A_template_that_accepts_only_RSA_defaults_to_RSA_of_its_minimum_size()
    {
        var definition = new TemplateDefinition { Name = "rsa-only", Labels = ["rsa-only"], AllowedKeys = ["RSA"], MinRsaBits = 3072, ServerKeyGeneration = true };

        var (profiles, problems) = TemplateCompiler.Compile(definition, [TemplateCompiler.BuiltinAdapter]);

        Assert.Empty(problems);
        Assert.Equal("RSA-3072", Assert.Single(profiles).ServerKeyAlgorithm.Name);
    }

    [Fact]
    public void A_template_that_accepts_P384_and_RSA_defaults_to_P384()
    {
        var definition = new TemplateDefinition { Name = "p384", Labels = ["p384"], AllowedKeys = ["RSA", "P-384"], ServerKeyGeneration = true };

        var (profiles, problems) = TemplateCompiler.Compile(definition, [TemplateCompiler.BuiltinAdapter]);

        Assert.Empty(problems);
        Assert.Equal("P-384", Assert.Single(profiles).ServerKeyAlgorithm.Name);
    }
}
