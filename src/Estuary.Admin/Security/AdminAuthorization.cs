using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>
/// The one place that says which role may do what, for the console and the REST API alike. Deny by default:
/// a permission or a role this switch does not name is refused. <c>AdminAuthorizationTests</c> holds the table
/// of every role × permission, and the role × endpoint and role × page-handler tables over real HTTP.
/// </summary>
public static class AdminAuthorization
{
    public static bool Allows(AdminRole role, AdminPermission permission)
    {
        if (!Enum.IsDefined(role))
        {
            return false;
        }

        return permission switch
        {
            // Auditor: reads everything, changes nothing (secrets are never shown to anyone).
            AdminPermission.ViewDashboard or AdminPermission.ViewCertificates or AdminPermission.ViewTemplates
                or AdminPermission.ViewAdapters or AdminPermission.ViewAccounts or AdminPermission.ViewApprovals
                or AdminPermission.ViewAudit or AdminPermission.ViewCa or AdminPermission.ViewAdministrators
                or AdminPermission.ViewApiKeys or AdminPermission.EndOwnSessions => true,

            // RA officer: the registration authority's day-to-day decisions.
            AdminPermission.ApproveRequests or AdminPermission.RevokeCertificates or AdminPermission.ManageAccounts =>
                role is AdminRole.RaOfficer or AdminRole.Administrator,

            // Administrator: what issues certificates and who may administer.
            AdminPermission.ManageTemplates or AdminPermission.ManageAdapters or AdminPermission.ManageAdministrators
                or AdminPermission.ManageApiKeys => role is AdminRole.Administrator,

            _ => false,
        };
    }

    /// <summary>Every permission of a role, in declaration order (for the documentation table and the console).</summary>
    public static IReadOnlyList<AdminPermission> PermissionsOf(AdminRole role) =>
        Enum.GetValues<AdminPermission>().Where(p => Allows(role, p)).ToList();
}
