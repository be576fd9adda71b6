using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>POST /api/v1/certificates/{serial}/revoke: an RFC 5280 §5.3.1 reason name (default unspecified).</summary>
public sealed record RevokeRequest(string? Reason);

/// <summary>The certificate after revocation; <c>alreadyRevoked</c> when an earlier request had revoked it.</summary>
public sealed record RevocationResult(CertificateSummary Certificate, string Reason, bool AlreadyRevoked);

/// <summary>A console administrator as the API shows it (never the password hash).</summary>
public sealed record AdminSummary(string Username, string Role, bool Enabled, DateTimeOffset CreatedAt, int FailedLogins, DateTimeOffset? LockedUntil)
{
    public static AdminSummary From(AdminUser a) => new(a.Username, AdminRoles.Name(a.Role), a.Enabled, a.CreatedAt, a.FailedLogins, a.LockedUntil);
}

/// <summary>
/// POST /api/v1/admins: a password to set (checked for strength), or none for a generated one; a role
/// (auditor when none is named: least privilege).
/// </summary>
public sealed record CreateAdminRequest(string? Username, string? Password, string? Role = null);

/// <summary>PATCH /api/v1/admins/{username}: fields left out stay as they are.</summary>
public sealed record UpdateAdminRequest(bool? Enabled, string? Role = null);

/// <summary>POST /api/v1/admins/{username}/password: a password to set, or none for a generated one.</summary>
public sealed record SetAdminPasswordRequest(string? Password);

/// <summary>The generated password, shown once (null when the caller chose it).</summary>
public sealed record AdminPassword(string Username, string? Password);
