using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// A console template chooses its CA hierarchy and may offer ML-KEM keys with the rules of configuration labels:
/// a hierarchy must be configured (and is the built-in adapter's), and ML-KEM needs server-side key generation
/// (RFC 9935: an ML-KEM key cannot sign a CSR).
/// </summary>
public sealed class TemplateHierarchyAndMlKemTests
{
    private static readonly string[] Builtin = [TemplateCompiler.BuiltinAdapter];

    private static TemplateDefinition Template(Action<TemplateDefinition> change)
    {
        var definition = new TemplateDefinition { Name = "t", Labels = ["t"], AllowedKeys = ["P-256"] };
        change(definition);
        return definition;
    }

    [Fact]
    public void A_template_on_a_configured_hierarchy_compiles_to_profiles_that_issue_under_it()
    {
        var (profiles, problems) = TemplateCompiler.Compile(Template(t => t.Hierarchy = "pqc"), Builtin, ["pqc"]);

        Assert.Empty(problems);
        Assert.Equal("pqc", Assert.Single(profiles).Hierarchy);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("default")]
    public void No_hierarchy_or_default_is_the_main_CA(string? hierarchy)
    {
        var (profiles, problems) = TemplateCompiler.Compile(Template(t => t.Hierarchy = hierarchy), Builtin, ["pqc"]);

        Assert.Empty(problems);
        Assert.Null(Assert.Single(profiles).Hierarchy);
    }

    [Fact]
    public void An_unknown_hierarchy_is_a_problem_that_names_the_choices()
    {
        var (profiles, problems) = TemplateCompiler.Compile(Template(t => t.Hierarchy = "gone"), Builtin, ["pqc"]);

        Assert.Empty(profiles);
        var problem = Assert.Single(problems);
        Assert.StartsWith("Hierarchy: 'gone' is not a configured CA hierarchy", problem, StringComparison.Ordinal);
        Assert.Contains("default, pqc", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_hierarchy_with_an_upstream_adapter_is_a_problem()
    {
        var (_, problems) = TemplateCompiler.Compile(Template(t => { t.Hierarchy = "pqc"; t.Adapter = "upstream"; }), [.. Builtin, "upstream"], ["pqc"]);

        Assert.StartsWith("Hierarchy:", Assert.Single(problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ML_KEM_with_server_key_generation_makes_an_ML_KEM_template()
    {
        var (profiles, problems) = TemplateCompiler.Compile(Template(t => { t.AllowedKeys = ["P-256", "ML-KEM-768"]; t.ServerKeyGeneration = true; }), Builtin);

        Assert.Empty(problems);
        var profile = Assert.Single(profiles);
        Assert.Equal("ML-KEM-768", profile.ServerKeyAlgorithm.Name);
        Assert.True(profile.ServerKeyGen);
    }

    [Fact]
    public void ML_KEM_without_server_key_generation_is_a_problem()
    {
        var (profiles, problems) = TemplateCompiler.Compile(Template(t => t.AllowedKeys = ["P-256", "ML-KEM-512"]), Builtin);

        Assert.Empty(profiles);
        var problem = Assert.Single(problems);
        Assert.StartsWith("AllowedKeys: ML-KEM-512 keys come only from server-side key generation", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_ML_KEM_sets_or_ML_KEM_alone_are_problems()
    {
        var (_, two) = TemplateCompiler.Compile(Template(t => { t.AllowedKeys = ["P-256", "ML-KEM-512", "ML-KEM-1024"]; t.ServerKeyGeneration = true; }), Builtin);
        var (_, alone) = TemplateCompiler.Compile(Template(t => { t.AllowedKeys = ["ML-KEM-768"]; t.ServerKeyGeneration = true; }), Builtin);

        Assert.Contains(two, p => p.StartsWith("AllowedKeys: choose one ML-KEM parameter set", StringComparison.Ordinal));
        Assert.Equal("AllowedKeys: with ML-KEM-768, also allow a key type the client signs its CSR with (P-256, P-384, P-521, RSA, ML-DSA)", Assert.Single(alone));
    }
}
