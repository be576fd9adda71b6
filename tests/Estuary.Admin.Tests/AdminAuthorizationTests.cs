using Estuary.Storage;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The table of every role × every permission, written here apart from <see cref="AdminAuthorization"/>: a new
/// permission without a row fails, and so does a change of what a role may do that this table does not make too.
/// </summary>
public sealed class AdminAuthorizationTests
{
    private static readonly AdminPermission[] Reads =
    [
        AdminPermission.ViewDashboard, AdminPermission.ViewCertificates, AdminPermission.ViewTemplates, AdminPermission.ViewAdapters,
        AdminPermission.ViewAccounts, AdminPermission.ViewApprovals, AdminPermission.ViewAudit, AdminPermission.ViewCa,
        AdminPermission.ViewAdministrators, AdminPermission.ViewApiKeys, AdminPermission.EndOwnSessions,
    ];

    private static readonly Dictionary<AdminRole, AdminPermission[]> Expected = new()
    {
        [AdminRole.Auditor] = Reads,
        [AdminRole.RaOfficer] = [.. Reads, AdminPermission.ApproveRequests, AdminPermission.RevokeCertificates, AdminPermission.ManageAccounts],
        [AdminRole.Administrator] = Enum.GetValues<AdminPermission>(),
    };

    public static TheoryData<AdminRole, AdminPermission> Every()
    {
        var data = new TheoryData<AdminRole, AdminPermission>();
        foreach (var role in Enum.GetValues<AdminRole>())
        {
            foreach (var permission in Enum.GetValues<AdminPermission>())
            {
                data.Add(role, permission);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Every))]
    public void Each_role_has_exactly_its_permissions(AdminRole role, AdminPermission permission) =>
        Assert.Equal(Expected[role].Contains(permission), AdminAuthorization.Allows(role, permission));

    [Fact]
    public void An_undefined_role_or_permission_is_denied()
    {
        Assert.False(AdminAuthorization.Allows((AdminRole)42, AdminPermission.ViewDashboard));
        Assert.False(AdminAuthorization.Allows(AdminRole.Administrator, (AdminPermission)4242));
    }

    [Fact]
    public void Every_permission_is_someone_s_and_the_administrator_has_them_all()
    {
        Assert.Equal(Enum.GetValues<AdminPermission>(), AdminAuthorization.PermissionsOf(AdminRole.Administrator));
        Assert.DoesNotContain(AdminPermission.ManageApiKeys, AdminAuthorization.PermissionsOf(AdminRole.RaOfficer));
        Assert.DoesNotContain(AdminPermission.ManageAdministrators, AdminAuthorization.PermissionsOf(AdminRole.RaOfficer));
    }

    [Fact]
    public void A_stored_role_name_that_is_not_known_reads_as_auditor()
    {
        Assert.Equal(AdminRole.Auditor, AdminRoles.FromStored("superuser"));
        Assert.Equal(AdminRole.RaOfficer, AdminRoles.FromStored("ra-officer"));
        Assert.False(AdminRoles.TryParse("Administrator", out _)); // names are exact
    }
}
