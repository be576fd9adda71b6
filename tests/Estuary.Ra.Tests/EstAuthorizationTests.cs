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
        "cms of alice from another label", // a PKIData signed by a certificate alice's account owns (RFC 5272 §3.2.1.3.1)
        "cms of mallory from this label",
        "cms of mallory from another label",
    ];

    /// <summary>'A' allowed, 'D' denied, per principal column. A missing (operation, template) pair fails the table test.</summary>
    private static readonly Dictionary<(EstOperation, string), string> Expected = new()
    {
        [(EstOperation.SimpleEnroll, "open")] = "AAAAADDDD",
        [(EstOperation.SimpleEnroll, "restricted")] = "ADADDDDDD",
        [(EstOperation.SimpleEnroll, "no-keygen")] = "AAAAADDDD",
        [(EstOperation.SimpleEnroll, "approval")] = "AAAAADDDD",
        [(EstOperation.SimpleReenroll, "open")] = "DDAAADDDD",
        [(EstOperation.SimpleReenroll, "restricted")] = "DDAADDDDD",
        [(EstOperation.SimpleReenroll, "no-keygen")] = "DDAAADDDD",
        [(EstOperation.SimpleReenroll, "approval")] = "DDAAADDDD",
        [(EstOperation.ServerKeyGen, "open")] = "AAAAADDDD",
        [(EstOperation.ServerKeyGen, "restricted")] = "ADADDDDDD",
        [(EstOperation.ServerKeyGen, "no-keygen")] = "DDDDDDDDD",
        [(EstOperation.ServerKeyGen, "approval")] = "DDDDDDDDD",
        [(EstOperation.FullCmcEnroll, "open")] = "AAAAADDDD",
        [(EstOperation.FullCmcEnroll, "restricted")] = "ADADDDDDD",
        [(EstOperation.FullCmcEnroll, "no-keygen")] = "AAAAADDDD",
        [(EstOperation.FullCmcEnroll, "approval")] = "DDDDDDDDD",
        [(EstOperation.FullCmcReenroll, "open")] = "DDDDDDAAA",
        [(EstOperation.FullCmcReenroll, "restricted")] = "DDDDDDAAD",
        [(EstOperation.FullCmcReenroll, "no-keygen")] = "DDDDDDAAA",
        [(EstOperation.FullCmcReenroll, "approval")] = "DDDDDDDDD",
        [(EstOperation.FullCmcRevoke, "open")] = "AAAAADDDD",
        [(EstOperation.FullCmcRevoke, "restricted")] = "AAAAADDDD",
        [(EstOperation.FullCmcRevoke, "no-keygen")] = "AAAAADDDD",
        [(EstOperation.FullCmcRevoke, "approval")] = "AAAAADDDD",
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
        EstPrincipal Certificate(string? account, string issuedLabel, AuthenticationMethod method = AuthenticationMethod.ClientCertificate) =>
            new(method, "CN=device", SelfSigned("CN=device"), "0A1B") { Account = account, IssuedLabel = issuedLabel };

        return kind switch
        {
            "basic alice" => EstPrincipal.ForAccount("alice"),
            "basic mallory" => EstPrincipal.ForAccount("mallory"),
            "cert of alice from another label" => Certificate("alice", "elsewhere"),
            "cert of mallory from this label" => Certificate("mallory", Label),
            "cert of mallory from another label" => Certificate("mallory", "elsewhere"),
            "cert of no account" => Certificate(null, Label),
            "cms of alice from another label" => Certificate("alice", "elsewhere", AuthenticationMethod.CmsSignature),
            "cms of mallory from this label" => Certificate("mallory", Label, AuthenticationMethod.CmsSignature),
            "cms of mallory from another label" => Certificate("mallory", "elsewhere", AuthenticationMethod.CmsSignature),
            _ => throw new ArgumentException(kind),
        };
    }

    internal static X509Certificate2 SelfSigned(string subject)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
    }
}
