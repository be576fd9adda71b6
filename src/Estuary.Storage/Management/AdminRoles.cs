namespace Estuary.Storage;

/// <summary>The names of <see cref="AdminRole"/> as stored, shown and accepted by the console and the API.</summary>
public static class AdminRoles
{
    public const string Auditor = "auditor";
    public const string RaOfficer = "ra-officer";
    public const string Administrator = "administrator";

    public static IReadOnlyList<AdminRole> All { get; } = [AdminRole.Auditor, AdminRole.RaOfficer, AdminRole.Administrator];

    public static IReadOnlyList<string> Names { get; } = [Auditor, RaOfficer, Administrator];

    public static string Name(AdminRole role) => role switch
    {
        AdminRole.Auditor => Auditor,
        AdminRole.RaOfficer => RaOfficer,
        AdminRole.Administrator => Administrator,
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "not a role"),
    };

    /// <summary>Parses a stored or typed role name (exact, lower case).</summary>
    public static bool TryParse(string? name, out AdminRole role)
    {
        switch (name)
        {
            case Auditor:
                role = AdminRole.Auditor;
                return true;
            case RaOfficer:
                role = AdminRole.RaOfficer;
                return true;
            case Administrator:
                role = AdminRole.Administrator;
                return true;
            default:
                role = AdminRole.Auditor;
                return false;
        }
    }

    /// <summary>
    /// A stored role. An unknown name (a newer version wrote it, or the row was edited by hand) reads as the
    /// least privilege, auditor, rather than failing every request or granting more.
    /// </summary>
    public static AdminRole FromStored(string name) => TryParse(name, out var role) ? role : AdminRole.Auditor;
}
