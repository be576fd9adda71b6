using Estuary.Ra;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>Template name patterns, address ranges and validation.</summary>
public sealed class TemplateRulesTests
{
    [Theory]
    [InlineData("*.devices.example", "a.devices.example", true)]
    [InlineData("*.devices.example", "A.Devices.Example", true)]
    [InlineData("*.devices.example", "a.b.devices.example", false)]
    [InlineData("*.devices.example", ".devices.example", false)]
    [InlineData("*.devices.example", "devices.example", false)]
    [InlineData("*.devices.example", "a.devices.example.evil", false)]
    [InlineData("gw-*.site-*.example", "gw-1.site-2.example", true)]
    [InlineData("host.example", "host.example", true)]
    [InlineData("host.example", "xhost.example", false)]
    [InlineData("*.cameras.example", "*.cameras.example", false)]
    [InlineData("cam-*.cameras.example", "cam-*.cameras.example", false)]
    public void A_DNS_pattern_star_matches_exactly_one_label(string pattern, string name, bool matches) =>
        Assert.Equal(matches, new NamePattern(pattern, starCrossesDots: false).Matches(name));

    [Theory]
    [InlineData("cam-*", "cam-7", true)]
    [InlineData("cam-*", "cam-", false)]
    [InlineData("cam-*", "camera-7", false)]
    [InlineData("CN=*.devices.example*", "CN=a.b.devices.example, O=Acme", true)]
    [InlineData("cam-*", "cam-*", false)]
    public void A_name_pattern_star_matches_any_nonempty_run(string pattern, string name, bool matches) =>
        Assert.Equal(matches, new NamePattern(pattern, starCrossesDots: true).Matches(name));

    [Theory]
    [InlineData("*.cameras.example", "*.cameras.example", true)]
    [InlineData("*.cameras.example", "*.CAMERAS.example", true)]
    [InlineData("*.*.example", "*.cameras.example", true)]
    [InlineData("*.cameras.example", "*.a.cameras.example", false)]
    [InlineData("cam-*.cameras.example", "*.cameras.example", false)]
    [InlineData("host.cameras.example", "*.cameras.example", false)]
    [InlineData("*.cameras.example", "a.cameras.example", false)]
    public void A_wildcard_name_matches_only_a_pattern_whose_leftmost_label_is_a_star(string pattern, string wildcard, bool matches) =>
        Assert.Equal(matches, new NamePattern(pattern, starCrossesDots: false).MatchesWildcard(wildcard));

    [Theory]
    [InlineData("10.0.0.0/8", "10.200.1.1", true)]
    [InlineData("10.0.0.0/8", "11.0.0.1", false)]
    [InlineData("192.0.2.7", "192.0.2.7", true)]
    [InlineData("2001:db8::/32", "2001:db8:1::1", true)]
    [InlineData("2001:db8::/32", "10.0.0.1", false)]
    public void An_IP_range_contains_the_addresses_of_its_prefix(string range, string address, bool contains)
    {
        Assert.True(IpRange.TryParse(range, out var parsed));
        Assert.Equal(contains, parsed!.Contains(address));
    }

    [Fact]
    public void A_template_that_cannot_work_is_refused_with_every_reason()
    {
        var template = new TemplateDefinition
        {
            Name = "bad name",
            Labels = [],
            Adapter = "nowhere",
            AllowedKeys = [],
            IpRanges = ["300.1.1.1"],
            CommonNamePattern = "x-*",
            SubjectAttributes = ["O"],
        };

        var (profiles, problems) = TemplateCompiler.Compile(template, [TemplateCompiler.BuiltinAdapter]);

        Assert.Empty(profiles);
        Assert.Contains(problems, p => p.StartsWith("Name"));
        Assert.Contains(problems, p => p.StartsWith("Labels"));
        Assert.Contains(problems, p => p.StartsWith("Adapter"));
        Assert.Contains(problems, p => p.StartsWith("AllowedKeys"));
        Assert.Contains(problems, p => p.Contains("300.1.1.1"));
        Assert.Contains(problems, p => p.StartsWith("CommonNamePattern"));
    }

    [Fact]
    public void A_template_compiles_to_one_profile_per_label_allowing_only_SAN_types_it_has_patterns_for()
    {
        var template = new TemplateDefinition { Name = "t", Labels = ["a", "b"], DnsPatterns = ["*.x.example"], AllowedGroups = ["g"] };

        var (profiles, problems) = TemplateCompiler.Compile(template, [TemplateCompiler.BuiltinAdapter]);

        Assert.Empty(problems);
        Assert.Equal(["a", "b"], profiles.Select(p => p.Label));
        Assert.All(profiles, p => Assert.Equal([Estuary.Protocol.GeneralNameType.Dns], p.SanTypes));
        Assert.True(profiles[0].Template!.RestrictsClients);
        Assert.True(profiles[0].Template!.Allows(new EstPrincipal(AuthenticationMethod.Basic, "u"), ["g"]));
        Assert.False(profiles[0].Template!.Allows(new EstPrincipal(AuthenticationMethod.Basic, "u"), ["other"]));
    }

    [Fact]
    public void Configuration_labels_cannot_be_taken_over_by_a_template()
    {
        var options = new RaOptions();
        options.Labels["fixed"] = new ProfileOptions();
        var registry = new LabelRegistry(options);
        var (profiles, _) = TemplateCompiler.Compile(new TemplateDefinition { Name = "t", Labels = ["fixed"] }, [TemplateCompiler.BuiltinAdapter]);

        Assert.Throws<ArgumentException>(() => registry.ReplaceManaged(profiles));
        Assert.True(registry.IsFromConfiguration("fixed"));
    }
}
