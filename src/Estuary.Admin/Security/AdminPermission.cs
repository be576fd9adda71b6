namespace Estuary.Admin;

/// <summary>
/// Each thing an administrator or an API key can ask of the console or the REST API. Which role may do which
/// is decided only by <see cref="AdminAuthorization.Allows"/>; which page handler and which API endpoint needs
/// which permission is listed in <see cref="ConsolePermissions"/> and <see cref="ApiPermissions"/>.
/// </summary>
public enum AdminPermission
{
    ViewDashboard,
    ViewCertificates,
    ViewTemplates,
    ViewAdapters,
    ViewAccounts,
    ViewApprovals,
    ViewAudit,
    ViewCa,
    ViewAdministrators,
    ViewApiKeys,

    /// <summary>Ending one's own console sessions (logout); every role.</summary>
    EndOwnSessions,

    /// <summary>Approve or reject an enrollment held for approval (RFC 7030 §4.2.3).</summary>
    ApproveRequests,

    /// <summary>Revoke a certificate (RFC 5280 §5.3.1); final.</summary>
    RevokeCertificates,

    /// <summary>Create, enable/disable, regroup EST accounts and give them new passwords.</summary>
    ManageAccounts,

    ManageTemplates,
    ManageAdapters,

    /// <summary>Create, disable/enable, give roles and passwords to console administrators.</summary>
    ManageAdministrators,

    ManageApiKeys,
}
