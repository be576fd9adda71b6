using Estuary.Storage;
using Microsoft.AspNetCore.Http;

namespace Estuary.Admin;

/// <summary>
/// The role of whoever sent the current request, as read from storage for this request: the console's session
/// validator (<see cref="AdminSessionValidator"/>) and the API's <see cref="ApiAuthorizationFilter"/> set it, never
/// the client. Pages ask <see cref="Can"/> only to hide buttons; the filters enforce.
/// </summary>
public static class AdminAccess
{
    private const string RoleItem = "estuary.admin-role";

    public static AdminRole? RoleOf(HttpContext http) => http.Items.TryGetValue(RoleItem, out var role) && role is AdminRole r ? r : null;

    public static bool Can(HttpContext http, AdminPermission permission) => RoleOf(http) is { } role && AdminAuthorization.Allows(role, permission);

    internal static void SetRole(HttpContext http, AdminRole role) => http.Items[RoleItem] = role;
}
