using System.Net;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;

namespace Estuary.Admin.Tests;

/// <summary>
/// A real server for the role tests: a label "held" that holds enrollments for approval, no login rate limit (the
/// tests sign in as several administrators from one address), one administrator of each role with a known password,
/// and makers of fresh things to act on (each built through the services, so no role is involved in making them).
/// </summary>
public sealed class RoleServer : EstuaryTestServer
{
    public const string Password = "Role-Tests-Passw0rd";

    /// <summary>An upstream trust anchor's SHA-256 for adapters that are saved and never called.</summary>
    public const string AnyFingerprint = "00112233445566778899AABBCCDDEEFF00112233445566778899AABBCCDDEEFF";

    public RoleServer()
    {
        Configuration["Estuary:Labels:held:RequireApproval"] = "true";
        Configuration["Estuary:Admin:LoginAttemptsPerAddress"] = "0";
    }

    /// <summary>The administrator's user name for each role (the bootstrap "admin" is an administrator too).</summary>
    public static string UserOf(string role) => "role-" + role;

    /// <summary>A certificate issued for the EST account; its serial.</summary>
    public string EnrolledSerial { get; private set; } = "";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var role in AdminRoles.All)
        {
            var (_, problem) = await GetRequiredService<AdminUserService>().CreateAsync(UserOf(AdminRoles.Name(role)), Password, role, "test", CancellationToken.None);
            if (problem is not null)
            {
                throw new InvalidOperationException(problem);
            }
        }

        EnrolledSerial = await EnrollAsync("CN=role-fixture");
        await NewTemplateAsync("role-fixture");
    }

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..10];

    public async Task<string> EnrollAsync(string subject)
    {
        using var est = CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(est, subject, key);
        return certificate.SerialNumber;
    }

    /// <summary>An enrollment held for approval; its id.</summary>
    public async Task<long> HoldAsync()
    {
        var subject = "CN=" + Unique("held");
        using var est = CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var held = await est.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create(subject, key)));
        if (held.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"expected 202 for a held request, got {(int)held.StatusCode}");
        }

        var pending = await GetRequiredService<ApprovalQueue>().ListAsync(PendingRequestStatus.Pending, 1000, CancellationToken.None);
        return pending.Single(p => p.Subject == subject).Id;
    }

    public async Task<string> NewTemplateAsync(string? name = null)
    {
        name ??= Unique("t");
        var problems = await GetRequiredService<TemplateService>().SaveAsync(
            new TemplateDefinition { Name = name, Labels = [name], AllowedKeys = ["P-256"] }, create: true, "test", CancellationToken.None);
        return problems.Count == 0 ? name : throw new InvalidOperationException(string.Join("; ", problems));
    }

    public async Task<string> NewAdapterAsync()
    {
        var name = Unique("a");
        var problems = await GetRequiredService<AdapterService>().SaveAsync(
            new AdapterDefinition { Name = name, BaseUrl = "https://127.0.0.1:2", TrustAnchorFingerprint = AnyFingerprint, Username = "ra", Password = "unused-password" }, create: true, "test", CancellationToken.None);
        return problems.Count == 0 ? name : throw new InvalidOperationException(string.Join("; ", problems));
    }

    public async Task<string> NewAccountAsync()
    {
        var name = Unique("acct");
        var (_, problem) = await GetRequiredService<AccountService>().CreateAsync(name, [], "test", CancellationToken.None);
        return problem is null ? name : throw new InvalidOperationException(problem);
    }

    public async Task<string> NewAdminAsync()
    {
        var name = Unique("adm");
        var (_, problem) = await GetRequiredService<AdminUserService>().CreateAsync(name, null, AdminRole.Auditor, "test", CancellationToken.None);
        return problem is null ? name : throw new InvalidOperationException(problem);
    }

    public async Task<string> NewApiKeyIdAsync()
    {
        var (_, record, problem) = await GetRequiredService<ApiKeyService>().CreateAsync(Unique("k"), AdminRoles.Auditor, null, "test", CancellationToken.None);
        return record?.Id ?? throw new InvalidOperationException(problem);
    }
}
