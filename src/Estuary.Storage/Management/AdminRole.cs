namespace Estuary.Storage;

/// <summary>
/// What an administrator (or an API key) may do; the permissions of each role are decided in one place,
/// Estuary.Admin's AdminAuthorization. Stored as its <see cref="AdminRoles.Name"/>.
/// </summary>
public enum AdminRole
{
    /// <summary>Reads everything, changes nothing.</summary>
    Auditor,

    /// <summary>Decides held enrollments, revokes certificates and manages EST accounts.</summary>
    RaOfficer,

    /// <summary>Everything, including templates, adapters, administrators and API keys.</summary>
    Administrator,
}
