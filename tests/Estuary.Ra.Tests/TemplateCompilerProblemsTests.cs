using Estuary.Ra;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// The compiler answers every problem of a template at once, including the settings the profile itself checks
/// (validity, key types, key usages, subject attributes), each named by its property.
/// </summary>
public sealed class TemplateCompilerProblemsTests
{
    [Fact]
    public void Validity_key_types_usages_and_subject_attributes_are_all_reported_in_one_answer()
    {
        var template = new TemplateDefinition
        {
            Name = "t",
            Labels = ["t"],
            ValidityDays = 0,
            AllowedKeys = ["P-256", "Ed25519"],
            KeyUsage = ["DigitalSignature", "KeyCertSign"],
            ExtendedKeyUsage = ["ClientAuth", "NotAUsage"],
            SubjectAttributes = ["CN", "Shoe size"],
        };

        var (profiles, problems) = TemplateCompiler.Compile(template, [TemplateCompiler.BuiltinAdapter]);

        Assert.Empty(profiles);
        Assert.Equal(
            [
                "ValidityDays must be between 1 and 3650",
                "AllowedKeys 'Ed25519' is not P-256, P-384, P-521, RSA, ML-DSA-44, ML-DSA-65 or ML-DSA-87",
                "KeyUsage 'KeyCertSign' is not an end-entity key usage",
                "ExtendedKeyUsage 'NotAUsage' is neither a known name nor an OID",
                "SubjectAttributes 'Shoe size' is unknown",
            ],
            problems);
    }

    [Fact]
    public void Settings_the_profile_accepts_give_no_problem()
    {
        var template = new TemplateDefinition
        {
            Name = "t",
            Labels = ["t"],
            ValidityDays = 3650,
            AllowedKeys = ["p-384", "RSA"],
            KeyUsage = ["digitalSignature", "KeyAgreement"],
            ExtendedKeyUsage = ["ServerAuth", "1.3.6.1.5.5.7.3.17"],
            SubjectAttributes = ["CN", "2.5.4.5"],
        };

        var (profiles, problems) = TemplateCompiler.Compile(template, [TemplateCompiler.BuiltinAdapter]);

        Assert.Empty(problems);
        Assert.Equal(3650, Assert.Single(profiles).Validity.TotalDays);
    }
}
