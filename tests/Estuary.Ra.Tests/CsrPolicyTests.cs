using System.Security.Cryptography;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ra.Tests;

public sealed class CsrPolicyTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Profile Compile(Action<ProfileOptions>? configure = null)
    {
        var options = new ProfileOptions();
        configure?.Invoke(options);
        options.ApplyDefaults();
        return Profile.Compile("test", options);
    }

    private static EstResult<Ca.IssuanceInstructions> Apply(Profile profile, byte[] csr) =>
        CsrPolicy.Apply(profile, CertificationRequest.Decode(csr), Now, TimeSpan.FromMinutes(5));

    [Fact]
    public void A_default_profile_issues_a_one_year_client_certificate()
    {
        using var key = TestCsr.NewP256();

        var result = Apply(Compile(), TestCsr.Create("CN=ok", key));

        var tbs = Assert.IsType<Ca.IssuanceInstructions>(result.Value);
        Assert.Equal(Now.AddMinutes(-5), tbs.NotBefore);
        Assert.Equal(Now.AddDays(365), tbs.NotAfter);
        Assert.Contains(tbs.Extensions, e => e.Oid == Oids.ExtendedKeyUsage);
        Assert.Contains(tbs.Extensions, e => e.Oid == Oids.KeyUsage && e.Critical);
    }

    [Fact]
    public void A_curve_the_profile_does_not_allow_is_refused()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var profile = Compile(p => p.AllowedKeys.Add("P-256"));

        var result = Apply(profile, TestCsr.Create("CN=x", key));

        Assert.Equal(EstErrorKind.BadRequest, result.Error!.Kind);
        Assert.Contains("P-384 is not allowed", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_RSA_key_below_the_minimum_is_refused()
    {
        using var key = RSA.Create(2048);
        var profile = Compile(p => p.MinRsaBits = 3072);

        Assert.Contains("needs at least 3072", Apply(profile, TestCsr.Create("CN=x", key)).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_SAN_type_the_profile_does_not_allow_is_refused()
    {
        using var key = TestCsr.NewP256();
        var profile = Compile(p => p.SanTypes.Add("dns"));

        var result = Apply(profile, TestCsr.Create("CN=x", key, "dns:ok.example", "email:no@example.com"));

        Assert.Contains("Email is not allowed", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void More_SANs_than_the_profile_allows_are_refused()
    {
        using var key = TestCsr.NewP256();
        var profile = Compile(p => p.MaxSans = 3);

        var result = Apply(profile, TestCsr.Create("CN=x", key, "dns:a.example", "dns:b.example", "dns:c.example", "dns:d.example"));

        Assert.Contains("at most 3", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_subject_attribute_the_profile_does_not_allow_is_refused()
    {
        using var key = TestCsr.NewP256();
        var profile = Compile(p => p.SubjectAttributes.Add("CN"));

        var result = Apply(profile, TestCsr.Create("CN=x, O=Not Allowed", key));

        Assert.Contains("subject attribute O is not allowed", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_subject_needs_a_SAN_which_is_then_critical()
    {
        using var key = TestCsr.NewP256();
        var profile = Compile();

        Assert.Contains("neither a subject nor a subjectAltName", Apply(profile, TestCsr.Create("", key)).Error!.Message, StringComparison.Ordinal);
        var withSan = Apply(profile, TestCsr.Create("", key, "dns:only-san.example")).Value!;
        Assert.True(withSan.Extensions.Single(e => e.Oid == Oids.SubjectAltName).Critical);
    }

    [Theory]
    [InlineData("ValidityDays")]
    [InlineData("KeyUsage")]
    [InlineData("AllowedKeys")]
    [InlineData("SanTypes")]
    [InlineData("MinRsaBits")]
    public void Invalid_profile_configuration_is_refused_at_start_up_with_the_key_named(string key)
    {
        var options = new ProfileOptions();
        switch (key)
        {
            case "ValidityDays": options.ValidityDays = 0; break;
            case "KeyUsage": options.KeyUsage.Add("KeyCertSign"); break;
            case "AllowedKeys": options.AllowedKeys.Add("DSA"); break;
            case "SanTypes": options.SanTypes.Add("x400"); break;
            case "MinRsaBits": options.MinRsaBits = 1024; break;
        }

        options.ApplyDefaults();
        var e = Assert.Throws<ArgumentException>(() => Profile.Compile("bad", options));
        Assert.Contains(key, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Csrattrs_of_an_RSA_only_profile_asks_for_the_minimum_modulus()
    {
        var profile = Compile(p =>
        {
            p.AllowedKeys.Add("RSA");
            p.MinRsaBits = 3072;
        });

        var attributes = CsrAttributes.Decode(profile.CsrAttributes!);

        var rsa = Assert.Single(attributes.Items, i => i.Oid == Oids.RsaEncryption);
        Assert.Equal(3072, (int)new System.Formats.Asn1.AsnReader(rsa.Values![0], System.Formats.Asn1.AsnEncodingRules.DER).ReadInteger());
    }

    [Fact]
    public void Labels_must_be_a_safe_path_segment()
    {
        Assert.True(LabelRegistry.IsValidLabel("iot-devices_2.v1"));
        Assert.False(LabelRegistry.IsValidLabel(".."));
        Assert.False(LabelRegistry.IsValidLabel("a/b"));
        Assert.False(LabelRegistry.IsValidLabel(new string('a', 65)));
    }
}
