using Estuary.Ra;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// Template rules for certificate holders rest on the record of the certificate's issuance (its account and label),
/// and subject patterns match RDN by RDN: a subject is text the client chose.
/// </summary>
public sealed class CertificateHolderRulesTests
{
    [Theory]
    [InlineData("CN=*.devices.example", "CN=cam-1.devices.example", true)]
    [InlineData("CN=*.devices.example", "CN=zz, O=x.devices.example", false)]
    [InlineData("CN=*.devices.example", "CN=a.b.devices.example", false)]
    [InlineData("CN=*.devices.example", "CN=cam-1.devices.example, O=Extra", false)]
    [InlineData("CN=*.devices.example, O=Example", "CN=cam-1.devices.example, O=Example", true)]
    [InlineData("CN=*.devices.example, O=Example", "O=Example, CN=cam-1.devices.example", false)]
    [InlineData("CN=*.devices.example", "OU=cam-1.devices.example", false)]
    public void A_subject_pattern_matches_rdn_by_rdn(string pattern, string subject, bool matches)
    {
        Assert.True(SubjectPattern.TryParse(pattern, out var parsed));
        Assert.Equal(matches, parsed!.Matches(new System.Security.Cryptography.X509Certificates.X500DistinguishedName(subject)));
    }

    [Fact]
    public void A_subject_pattern_alone_never_admits_a_certificate_issued_under_another_label()
    {
        var rules = Rules(new TemplateDefinition { Name = "op", Labels = ["op"], AllowedCertificateSubjects = ["CN=*.devices.example"] });

        Assert.False(rules.Allows(Holder("CN=cam-1.devices.example", issuedLabel: "default"), []));
        Assert.True(rules.Allows(Holder("CN=cam-1.devices.example", issuedLabel: "op"), []));
        Assert.False(rules.Allows(Holder("CN=zz, O=x.devices.example", issuedLabel: "op"), []));
    }

    [Fact]
    public void Allowed_certificate_labels_admit_their_certificates_and_patterns_narrow_them()
    {
        var rules = Rules(new TemplateDefinition { Name = "op", Labels = ["op"], AllowedCertificateLabels = ["bootstrap"], AllowedCertificateSubjects = ["CN=*.devices.example"] });

        Assert.True(rules.Allows(Holder("CN=cam-1.devices.example", issuedLabel: "bootstrap"), []));
        Assert.False(rules.Allows(Holder("CN=laptop.corp.example", issuedLabel: "bootstrap"), []));
        Assert.False(rules.Allows(Holder("CN=cam-1.devices.example", issuedLabel: "default"), []));
    }

    [Fact]
    public void A_template_refuses_a_subject_pattern_that_is_not_a_distinguished_name()
    {
        var (_, problems) = TemplateCompiler.Compile(new TemplateDefinition { Name = "op", Labels = ["op"], AllowedCertificateSubjects = ["not a name ="] }, [TemplateCompiler.BuiltinAdapter]);
        Assert.Contains(problems, p => p.StartsWith("AllowedCertificateSubjects", StringComparison.Ordinal));
    }

    private static TemplateRules Rules(TemplateDefinition definition)
    {
        var (profiles, problems) = TemplateCompiler.Compile(definition, [TemplateCompiler.BuiltinAdapter]);
        Assert.Empty(problems);
        return profiles.Single().Template!;
    }

    private static EstPrincipal Holder(string subject, string issuedLabel) =>
        new(AuthenticationMethod.ClientCertificate, subject, EstAuthorizationTests.SelfSigned(subject), "01") { Account = "someone", IssuedLabel = issuedLabel };
}
