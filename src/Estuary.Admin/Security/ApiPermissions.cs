namespace Estuary.Admin;

/// <summary>
/// What each REST API endpoint needs, by its endpoint name (<c>WithName</c>). <see cref="ApiAuthorizationFilter"/>
/// refuses an endpoint missing from this table, and a test fails for every /api/v1 endpoint missing from it.
/// </summary>
public static class ApiPermissions
{
    private static readonly Dictionary<string, AdminPermission> ByEndpoint = new(StringComparer.Ordinal)
    {
        ["ListCertificates"] = AdminPermission.ViewCertificates,
        ["GetCertificate"] = AdminPermission.ViewCertificates,
        ["DownloadCertificate"] = AdminPermission.ViewCertificates,
        ["RevokeCertificate"] = AdminPermission.RevokeCertificates,

        ["ListTemplates"] = AdminPermission.ViewTemplates,
        ["GetTemplate"] = AdminPermission.ViewTemplates,
        ["ListLabels"] = AdminPermission.ViewTemplates,
        ["CreateTemplate"] = AdminPermission.ManageTemplates,
        ["UpdateTemplate"] = AdminPermission.ManageTemplates,
        ["DeleteTemplate"] = AdminPermission.ManageTemplates,

        ["ListAdapters"] = AdminPermission.ViewAdapters,
        ["GetAdapter"] = AdminPermission.ViewAdapters,
        ["CreateAdapter"] = AdminPermission.ManageAdapters,
        ["UpdateAdapter"] = AdminPermission.ManageAdapters,
        ["DeleteAdapter"] = AdminPermission.ManageAdapters,

        ["ListAccounts"] = AdminPermission.ViewAccounts,
        ["GetAccount"] = AdminPermission.ViewAccounts,
        ["CreateAccount"] = AdminPermission.ManageAccounts,
        ["UpdateAccount"] = AdminPermission.ManageAccounts,
        ["ResetAccountPassword"] = AdminPermission.ManageAccounts,

        ["ListApprovals"] = AdminPermission.ViewApprovals,
        ["ApproveRequest"] = AdminPermission.ApproveRequests,
        ["RejectRequest"] = AdminPermission.ApproveRequests,

        ["ListAudit"] = AdminPermission.ViewAudit,
        ["GetCa"] = AdminPermission.ViewCa,

        ["ListAdmins"] = AdminPermission.ViewAdministrators,
        ["CreateAdmin"] = AdminPermission.ManageAdministrators,
        ["UpdateAdmin"] = AdminPermission.ManageAdministrators,
        ["SetAdminPassword"] = AdminPermission.ManageAdministrators,

        ["ListApiKeys"] = AdminPermission.ViewApiKeys,
        ["CreateApiKey"] = AdminPermission.ManageApiKeys,
        ["DeleteApiKey"] = AdminPermission.ManageApiKeys,
    };

    /// <summary>The permission an endpoint needs; null (refused) when the endpoint is unnamed or not listed.</summary>
    public static AdminPermission? Required(string? endpointName) =>
        endpointName is not null && ByEndpoint.TryGetValue(endpointName, out var permission) ? permission : null;
}
