using Microsoft.AspNetCore.Http;
using AdminPages = Estuary.Admin.Pages.Admin;
using Certificates = Estuary.Admin.Pages.Admin.Certificates;
using Templates = Estuary.Admin.Pages.Admin.Templates;

namespace Estuary.Admin;

/// <summary>
/// What each console page and each of its POST handlers needs. A GET (any handler: the page, its downloads)
/// needs the page's view permission; a POST needs the permission listed for its handler name ("" for OnPost).
/// <see cref="ConsoleAuthorizationFilter"/> refuses a page or a POST handler missing here, and a test fails for
/// every page handler missing here.
/// </summary>
public static class ConsolePermissions
{
    private static readonly Dictionary<Type, Page> Pages = new()
    {
        [typeof(AdminPages.IndexModel)] = new(AdminPermission.ViewDashboard),
        [typeof(Certificates.IndexModel)] = new(AdminPermission.ViewCertificates),
        [typeof(Certificates.DetailModel)] = new(AdminPermission.ViewCertificates, ("Revoke", AdminPermission.RevokeCertificates)),
        [typeof(AdminPages.ApprovalsModel)] = new(AdminPermission.ViewApprovals, ("Approve", AdminPermission.ApproveRequests), ("Reject", AdminPermission.ApproveRequests)),
        [typeof(Templates.IndexModel)] = new(AdminPermission.ViewTemplates, ("Delete", AdminPermission.ManageTemplates)),
        [typeof(Templates.EditModel)] = new(AdminPermission.ViewTemplates, ("", AdminPermission.ManageTemplates)),
        [typeof(AdminPages.AdaptersModel)] = new(AdminPermission.ViewAdapters, ("Delete", AdminPermission.ManageAdapters)),
        [typeof(AdminPages.AdapterEditModel)] = new(AdminPermission.ViewAdapters, ("", AdminPermission.ManageAdapters)),
        [typeof(AdminPages.AccountsModel)] = new(
            AdminPermission.ViewAccounts,
            ("Create", AdminPermission.ManageAccounts),
            ("Enabled", AdminPermission.ManageAccounts),
            ("Groups", AdminPermission.ManageAccounts),
            ("Reset", AdminPermission.ManageAccounts)),
        [typeof(AdminPages.AuditModel)] = new(AdminPermission.ViewAudit),
        [typeof(AdminPages.CaModel)] = new(AdminPermission.ViewCa),
        [typeof(AdminPages.AdminsModel)] = new(
            AdminPermission.ViewAdministrators,
            ("Create", AdminPermission.ManageAdministrators),
            ("Enabled", AdminPermission.ManageAdministrators),
            ("Reset", AdminPermission.ManageAdministrators),
            ("Role", AdminPermission.ManageAdministrators)),
        [typeof(AdminPages.ApiKeysModel)] = new(AdminPermission.ViewApiKeys, ("Create", AdminPermission.ManageApiKeys), ("Delete", AdminPermission.ManageApiKeys)),
        [typeof(AdminPages.LogoutModel)] = new(AdminPermission.EndOwnSessions, ("", AdminPermission.EndOwnSessions)),
    };

    /// <summary>Pages anyone may use, signed in or not.</summary>
    private static readonly HashSet<Type> Public = [typeof(AdminPages.LoginModel)];

    public static bool IsPublic(Type pageModel) => Public.Contains(pageModel);

    /// <summary>The permission a request needs; null (refused) for a page, method or POST handler not listed.</summary>
    public static AdminPermission? Required(Type pageModel, string httpMethod, string? handler)
    {
        if (!Pages.TryGetValue(pageModel, out var page))
        {
            return null;
        }

        if (HttpMethods.IsGet(httpMethod) || HttpMethods.IsHead(httpMethod))
        {
            return page.View;
        }

        return HttpMethods.IsPost(httpMethod) && page.Posts.TryGetValue(handler ?? "", out var permission) ? permission : null;
    }

    private sealed class Page(AdminPermission view, params (string Handler, AdminPermission Permission)[] posts)
    {
        public AdminPermission View { get; } = view;

        public Dictionary<string, AdminPermission> Posts { get; } = posts.ToDictionary(p => p.Handler, p => p.Permission, StringComparer.OrdinalIgnoreCase);
    }
}
