using System.Security.Claims;

namespace Estuary.Admin;

/// <summary>How the audit log names whoever made a change through the console or the API.</summary>
public static class AdminActor
{
    public const string ApiKeyItem = "estuary.api-actor";

    public static string Of(ClaimsPrincipal user) => "admin:" + (user.Identity?.Name ?? "?");
}
