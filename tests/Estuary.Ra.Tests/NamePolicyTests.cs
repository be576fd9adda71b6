using System.Formats.Asn1;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>Names in policy: wildcards only where a profile or template allows them; names of bad syntax are a 400.</summary>
public sealed class NamePolicyTests
{
    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static Profile ConfigurationProfile(bool allowWildcards = false)
    {
        var options = new ProfileOptions { AllowWildcardDnsNames = allowWildcards };
        options.ApplyDefaults();
        return Profile.Compile("test", options);
    }

    private static Profile TemplateProfile(bool allowWildcards = false, string? commonNamePattern = null)
    {
        var (profiles, problems) = TemplateCompiler.Compile(
            new TemplateDefinition
            {
                Name = "cameras",
                Labels = ["cameras"],
                DnsPatterns = ["*.cameras.example"],
                EmailPatterns = ["*@cameras.example"],
                CommonNamePattern = commonNamePattern,
                AllowWildcardDnsNames = allowWildcards,
            },
            [TemplateCompiler.BuiltinAdapter]);
        Assert.Empty(problems);
        return profiles[0];
    }

    private static EstResult<Ca.IssuanceInstructions> Apply(Profile profile, string subject, params string[] sans)
    {
        using var key = TestCsr.NewP256();
        return CsrPolicy.Apply(profile, CertificationRequest.Decode(TestCsr.Create(subject, key, sans)), Now, TimeSpan.Zero);
    }

    [Fact]
    public void A_wildcard_dNSName_is_refused_under_a_template_whose_pattern_starts_with_a_star()
    {
        var result = Apply(TemplateProfile(), "CN=cam", "dns:*.cameras.example");

        Assert.Equal(EstErrorKind.BadRequest, result.Error?.Kind);
        Assert.Contains("AllowWildcardDnsNames", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_template_that_allows_wildcards_issues_one_its_pattern_covers_and_no_other()
    {
        var profile = TemplateProfile(allowWildcards: true);

        Assert.True(Apply(profile, "CN=cam", "dns:*.cameras.example").IsSuccess);
        Assert.True(Apply(profile, "CN=cam", "dns:a.cameras.example").IsSuccess);
        Assert.False(Apply(profile, "CN=cam", "dns:*.other.example").IsSuccess);
        Assert.False(Apply(profile, "CN=cam", "dns:*.a.cameras.example").IsSuccess);
    }

    [Fact]
    public void A_pattern_that_does_not_start_with_a_whole_star_label_never_covers_a_wildcard()
    {
        var (profiles, _) = TemplateCompiler.Compile(
            new TemplateDefinition { Name = "t", Labels = ["t"], DnsPatterns = ["cam-*.cameras.example"], AllowWildcardDnsNames = true },
            [TemplateCompiler.BuiltinAdapter]);

        Assert.False(Apply(profiles[0], "CN=cam", "dns:*.cameras.example").IsSuccess);
        Assert.True(Apply(profiles[0], "CN=cam", "dns:cam-1.cameras.example").IsSuccess);
    }

    [Fact]
    public void A_configuration_profile_issues_a_wildcard_only_with_AllowWildcardDnsNames()
    {
        Assert.Contains("AllowWildcardDnsNames", Apply(ConfigurationProfile(), "CN=cam", "dns:*.cameras.example").Error!.Message, StringComparison.Ordinal);
        Assert.True(Apply(ConfigurationProfile(allowWildcards: true), "CN=cam", "dns:*.cameras.example").IsSuccess);
    }

    [Theory]
    [InlineData("CN=*.cameras.example")]
    [InlineData("CN=a*.cameras.example")]
    public void A_wildcard_looking_CN_is_a_wildcard_request_too(string subject)
    {
        Assert.Contains("wildcard", Apply(ConfigurationProfile(), subject).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("wildcard", Apply(TemplateProfile(commonNamePattern: "*.cameras.example"), subject).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_partial_label_wildcard_is_refused_even_where_wildcards_are_allowed()
    {
        Assert.False(Apply(ConfigurationProfile(allowWildcards: true), "CN=cam", "dns:a*.cameras.example").IsSuccess);
        Assert.False(Apply(ConfigurationProfile(allowWildcards: true), "CN=a*.cameras.example").IsSuccess);
        Assert.True(Apply(ConfigurationProfile(allowWildcards: true), "CN=*.cameras.example").IsSuccess);
    }

    [Fact]
    public void A_second_at_sign_is_refused_although_the_email_pattern_star_would_match_it()
    {
        var result = Apply(TemplateProfile(), "CN=cam", "email:a@b@cameras.example");

        Assert.Contains("exactly one '@'", result.Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_dNSName_with_NUL_is_a_400_not_an_exception()
    {
        using var key = TestCsr.NewP256();
        var san = new AsnWriter(AsnEncodingRules.DER);
        using (san.PushSequence())
        {
            san.WriteCharacterString(UniversalTagNumber.IA5String, "evil.example\0.cameras.example", new Asn1Tag(TagClass.ContextSpecific, 2));
        }

        var request = new CertificateRequest("CN=cam", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509Extension(Oids.SubjectAltName, san.Encode(), false));
        var csr = CertificationRequest.Decode(request.CreateSigningRequest());

        Assert.Contains("control character", CsrPolicy.Apply(TemplateProfile(), csr, Now, TimeSpan.Zero).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("control character", CsrPolicy.Apply(ConfigurationProfile(), csr, Now, TimeSpan.Zero).Error!.Message, StringComparison.Ordinal);
        Assert.Contains("control character", TemplateProfile().Template!.CheckNames(csr, "cameras")!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_TeletexString_CN_passes_policy_and_keeps_its_bytes()
    {
        using var key = TestCsr.NewP256();
        var cn = new AsnWriter(AsnEncodingRules.DER);
        cn.WriteOctetString(Encoding.Latin1.GetBytes("caméra-7"));
        var value = cn.Encode();
        value[0] = (byte)UniversalTagNumber.TeletexString;
        var name = new AsnWriter(AsnEncodingRules.DER);
        using (name.PushSequence())
        using (name.PushSetOf())
        using (name.PushSequence())
        {
            name.WriteObjectIdentifier(Oids.CommonName);
            name.WriteEncodedValue(value);
        }

        var subject = name.Encode();
        var csr = CertificationRequest.Decode(new CertificateRequest(new X500DistinguishedName(subject), key, System.Security.Cryptography.HashAlgorithmName.SHA256).CreateSigningRequest());

        var result = CsrPolicy.Apply(TemplateProfile(commonNamePattern: "caméra-*"), csr, Now, TimeSpan.Zero);

        Assert.Equal(subject, result.Value!.Subject.ToArray());
    }
}
