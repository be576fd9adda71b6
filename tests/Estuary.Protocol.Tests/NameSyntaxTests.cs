using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>The syntax of dNSName, rfc822Name and URI names (RFC 5280 §4.2.1.6), table-driven.</summary>
public sealed class NameSyntaxTests
{
    [Theory]
    [InlineData("host.example")]
    [InlineData("a.cameras.example")]
    [InlineData("CAM-7.Cameras.Example")]
    [InlineData("localhost")]
    [InlineData("1.example")]
    [InlineData("xn--bcher-kva.example")]
    [InlineData("a-b.example")]
    public void A_host_name_in_preferred_name_syntax_is_accepted(string name) =>
        Assert.Null(NameSyntax.DnsNameProblem(name, wildcardLabel: false));

    [Theory]
    [InlineData("a\0.cameras.example", "control character")]
    [InlineData("evil.example\0.cameras.example", "control character")]
    [InlineData("a b.cameras.example", "space")]
    [InlineData("a\n.cameras.example", "control character")]
    [InlineData("*.cameras.example", "'*'")]
    [InlineData("a*.cameras.example", "'*'")]
    [InlineData("a.*.example", "'*'")]
    [InlineData("bücher.example", "A-label")]
    [InlineData("host.example.", "trailing root dot")]
    [InlineData("host..example", "empty label")]
    [InlineData(".host.example", "empty label")]
    [InlineData("-host.example", "hyphen")]
    [InlineData("host-.example", "hyphen")]
    [InlineData("under_score.example", "'_'")]
    [InlineData("a@b.example", "'@'")]
    [InlineData("", "empty")]
    public void A_dNSName_outside_preferred_name_syntax_is_refused_with_the_reason(string name, string reason)
    {
        var problem = NameSyntax.DnsNameProblem(name, wildcardLabel: false);

        Assert.NotNull(problem);
        Assert.Contains(reason, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\0', problem);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Labels_of_64_characters_and_names_of_254_are_refused()
    {
        Assert.Null(NameSyntax.DnsNameProblem(new string('a', 63) + ".example", wildcardLabel: false));
        Assert.Contains("longer than 63", NameSyntax.DnsNameProblem(new string('a', 64) + ".example", wildcardLabel: false), StringComparison.Ordinal);
        var name253 = string.Join('.', Enumerable.Repeat(new string('a', 63), 3)) + "." + new string('b', 61);
        Assert.Equal(253, name253.Length);
        Assert.Null(NameSyntax.DnsNameProblem(name253, wildcardLabel: false));
        Assert.Contains("longer than 253", NameSyntax.DnsNameProblem(name253 + "b", wildcardLabel: false), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*.cameras.example", true)]
    [InlineData("*.a.b.example", true)]
    [InlineData("*.example", false)]
    [InlineData("a*.cameras.example", false)]
    [InlineData("*a.cameras.example", false)]
    [InlineData("**.cameras.example", false)]
    [InlineData("a.*.cameras.example", false)]
    [InlineData("*", false)]
    public void A_wildcard_is_only_the_whole_leftmost_label_of_a_name_of_three_labels_or_more(string name, bool valid) =>
        Assert.Equal(valid, NameSyntax.DnsNameProblem(name, wildcardLabel: true) is null);

    [Theory]
    [InlineData("cam@cameras.example", null)]
    [InlineData("first.last+tag@cameras.example", null)]
    [InlineData("a@b@cameras.example", "exactly one '@'")]
    [InlineData("cameras.example", "exactly one '@'")]
    [InlineData("@cameras.example", "empty local part")]
    [InlineData("a b@cameras.example", "space")]
    [InlineData("a\r\n@cameras.example", "control character")]
    [InlineData("\"a@b\"@cameras.example", "exactly one '@'")]
    [InlineData("\"ab\"@cameras.example", "quote")]
    [InlineData("a@cameras.example.", "domain part")]
    [InlineData("a@*.cameras.example", "domain part")]
    [InlineData("a@", "domain part")]
    public void An_rfc822Name_is_a_mailbox_with_one_at_sign_and_a_host_name(string mailbox, string? reason)
    {
        var problem = NameSyntax.MailboxProblem(mailbox);

        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://cameras.example/device/7", null)]
    [InlineData("urn:dev:mac:0024befffe804ff1", null)]
    [InlineData("spiffe://cameras.example/ns/default/sa/cam", null)]
    [InlineData("/relative/path", "absolute URI")]
    [InlineData("relative/path", "absolute URI")]
    [InlineData("https://cameras.example/a b", "space")]
    [InlineData("https://cameras.example/\n", "control character")]
    [InlineData("", "absolute URI")]
    public void A_URI_is_absolute_with_a_scheme_and_no_spaces_or_control_characters(string uri, string? reason)
    {
        var problem = NameSyntax.UriProblem(uri);

        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Contains(reason, problem, StringComparison.Ordinal);
        }
    }
}
