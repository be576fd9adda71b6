using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// The one place that says yes, as a table: every operation × every kind of principal × every kind of template.
/// An operation added to <see cref="EstOperation"/> without its rows here fails
/// <see cref="Every_operation_has_a_row_for_every_template"/>, and its cells fail until they say what is expected.
/// </summary>
public sealed class EstAuthorizationTests
{
    private const string Label = "t";

    /// <summary>Principal columns of the expectation strings, in this order.</summary>
    private static readonly string[] Principals =
    [
        "basic alice", // an account the restricted template lists
        "basic mallory", // an account it does not list
        "cert of alice from another label", // a certificate alice's account owns, issued elsewhere
        "cert of mallory from this label", // renewal of a certificate issued on this very label
        "cert of mallory from another label",
        "cert of no account", // never produced by authentication; must be refused anyway
    ];

    /// <summary>'A' allowed, 'D' denied, per principal column. A missing (operation, template) pair fails the table test.</summary>
    private static readonly Dictionary<(EstOperation, string), string> Expected = new()
    {
        [(EstOperation.SimpleEnroll, "open")] = "AAAAAD",
        [(EstOperation.SimpleEnroll, "restricted")] = "ADADDD",
        [(EstOperation.SimpleEnroll, "no-keygen")] = "AAAAAD",
        [(EstOperation.SimpleEnroll, "approval")] = "AAAAAD",
        [(EstOperation.SimpleReenroll, "open")] = "DDAAAD",
        [(EstOperation.SimpleReenroll, "restricted")] = "DDAADD",
        [(EstOperation.SimpleReenroll, "no-keygen")] = "DDAAAD",
        [(EstOperation.SimpleReenroll, "approval")] = "DDAAAD",
        [(EstOperation.ServerKeyGen, "open")] = "AAAAAD",
        [(EstOperation.ServerKeyGen, "restricted")] = "ADADDD",
        [(EstOperation.ServerKeyGen, "no-keygen")] = "DDDDDD",
        [(EstOperation.ServerKeyGen, "approval")] = "DDDDDD",
        [(EstOperation.FullCmcEnroll, "open")] = "AAAAAD",
        [(EstOperation.FullCmcEnroll, "restricted")] = "ADADDD",
        [(EstOperation.FullCmcEnroll, "no-keygen")] = "AAAAAD",
        [(EstOperation.FullCmcEnroll, "approval")] = "DDDDDD",
        [(EstOperation.FullCmcRevoke, "open")] = "AAAAAD",
        [(EstOperation.FullCmcRevoke, "restricted")] = "AAAAAD",
        [(EstOperation.FullCmcRevoke, "no-keygen")] = "AAAAAD",
        [(EstOperation.FullCmcRevoke, "approval")] = "AAAAAD",
    };

    private static readonly string[] Templates = ["open", "restricted", "no-keygen", "approval"];

    public static TheoryData<EstOperation, string, string> Cells()
    {
        var data = new TheoryData<EstOperation, string, string>();
        foreach (var operation in Enum.GetValues<EstOperation>())
        {
            foreach (var template in Templates)
            {
                foreach (var principal in Principals)
                {
                    data.Add(operation, template, principal);
                }
            }
        }

        return data;
    }

    [Fact]
    public void Every_operation_has_a_row_for_every_template()
    {
        var missing = Enum.GetValues<EstOperation>().SelectMany(o => Templates.Select(t => (o, t))).Where(k => !Expected.ContainsKey(k)).ToList();
        Assert.True(missing.Count == 0, "no expected row for " + string.Join(", ", missing));
    }

    [Theory]
    [MemberData(nameof(Cells))]
    public void Authorize_decides_each_cell_as_the_table_says(EstOperation operation, string template, string principal)
    {
        Assert.True(Expected.TryGetValue((operation, template), out var row), $"no expected row for {operation} on a {template} template");
        var allowed = row[Array.IndexOf(Principals, principal)] == 'A';

        var denied = EstAuthorization.Authorize(operation, Principal(principal), Profile(template), []);

        Assert.True(allowed == (denied is null), $"{operation} by {principal} on a {template} template: expected {(allowed ? "allowed" : "denied")}, got {denied?.Message ?? "allowed"}");
        if (denied is not null)
        {
            Assert.Contains(denied.Kind, new[] { EstErrorKind.Forbidden, EstErrorKind.BadRequest });
        }
    }

    [Fact]
    public void An_operation_without_a_rule_is_denied()
    {
        var denied = EstAuthorization.Authorize((EstOperation)999, Principal("basic alice"), Profile("open"), []);
        Assert.NotNull(denied);
        Assert.Equal(EstErrorKind.Forbidden, denied.Kind);
    }

    [Fact]
    public void A_listed_group_admits_the_certificates_of_its_members_accounts()
    {
        var profile = Compile(new TemplateDefinition { Name = Label, Labels = [Label], AllowedGroups = ["cameras"] });
        Assert.Null(EstAuthorization.Authorize(EstOperation.SimpleEnroll, Principal("cert of mallory from another label"), profile, ["cameras"]));
        Assert.NotNull(EstAuthorization.Authorize(EstOperation.SimpleEnroll, Principal("cert of mallory from another label"), profile, ["printers"]));
    }

    private static Profile Profile(string kind) => Compile(kind switch
    {
        "open" => new TemplateDefinition { Name = Label, Labels = [Label], ServerKeyGeneration = true },
        "restricted" => new TemplateDefinition { Name = Label, Labels = [Label], ServerKeyGeneration = true, AllowedAccounts = ["alice"] },
        "no-keygen" => new TemplateDefinition { Name = Label, Labels = [Label], ServerKeyGeneration = false },
        "approval" => new TemplateDefinition { Name = Label, Labels = [Label], RequireApproval = true },
        _ => throw new ArgumentException(kind),
    });

    private static Profile Compile(TemplateDefinition definition)
    {
        var (profiles, problems) = TemplateCompiler.Compile(definition, [TemplateCompiler.BuiltinAdapter]);
        Assert.Empty(problems);
        return profiles.Single();
    }

    private static EstPrincipal Principal(string kind)
    {
        EstPrincipal Certificate(string? account, string issuedLabel) =>
            new(AuthenticationMethod.ClientCertificate, "CN=device", SelfSigned("CN=device"), "0A1B") { Account = account, IssuedLabel = issuedLabel };

        return kind switch
        {
            "basic alice" => EstPrincipal.ForAccount("alice"),
            "basic mallory" => EstPrincipal.ForAccount("mallory"),
            "cert of alice from another label" => Certificate("alice", "elsewhere"),
            "cert of mallory from this label" => Certificate("mallory", Label),
            "cert of mallory from another label" => Certificate("mallory", "elsewhere"),
            "cert of no account" => Certificate(null, Label),
            _ => throw new ArgumentException(kind),
        };
    }

    internal static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
