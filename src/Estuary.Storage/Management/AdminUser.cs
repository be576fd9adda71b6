namespace Estuary.Storage;

/// <summary>A console administrator (not an EST client). Only a slow salted hash of the password is kept.</summary>
public sealed record AdminUser
{
    public required string Username { get; init; }

    public required string PasswordHash { get; init; }

    /// <summary>Consecutive failed logins since the last success.</summary>
    public int FailedLogins { get; init; }

    /// <summary>Logins are refused until then, after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>A disabled administrator cannot log in; its open console sessions end at their next request.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>What this administrator may do; least privilege unless set.</summary>
    public AdminRole Role { get; init; } = AdminRole.Auditor;

    /// <summary>
    /// A random value carried in every console session of this administrator and compared on each request;
    /// a new one (password reset, disable/enable, logout) ends every session issued before it.
    /// </summary>
    public string SecurityStamp { get; init; } = "";
}
