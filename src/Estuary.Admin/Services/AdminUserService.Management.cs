using System.Security.Cryptography;
using System.Text;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Admin;

/// <summary>
/// Managing administrators from the console and the API: create (a chosen password that passes
/// <see cref="CheckStrength"/>, or a generated one shown once), disable/enable, new password. Nobody disables
/// themselves, and the last enabled administrator stays enabled (storage enforces that in one statement).
/// </summary>
public sealed partial class AdminUserService
{
    public const int MinPasswordLength = 12;

    public Task<IReadOnlyList<AdminUser>> ListAsync(CancellationToken cancellationToken) => _store.ListAdminsAsync(cancellationToken);

    public Task<AdminUser?> FindAsync(string username, CancellationToken cancellationToken) => _store.FindAdminAsync(username, cancellationToken);

    /// <summary>
    /// Whether a console session may still be used: the administrator exists, is enabled, and still has the
    /// security stamp the session was issued with (a password reset, disable or logout replaces it).
    /// </summary>
    public async Task<bool> IsSessionValidAsync(string username, string? securityStamp, CancellationToken cancellationToken) =>
        await FindSessionAdminAsync(username, securityStamp, cancellationToken) is not null;

    /// <summary>The administrator of a console session that may still be used (see <see cref="IsSessionValidAsync"/>), else null.</summary>
    public async Task<AdminUser?> FindSessionAdminAsync(string username, string? securityStamp, CancellationToken cancellationToken) =>
        !string.IsNullOrEmpty(securityStamp)
        && await _store.FindAdminAsync(username, cancellationToken) is { Enabled: true } admin
        && admin.SecurityStamp.Length > 0
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(admin.SecurityStamp), Encoding.UTF8.GetBytes(securityStamp))
            ? admin
            : null;

    /// <summary>Logout everywhere: a new security stamp ends every open session of this administrator.</summary>
    public async Task LogoutAsync(string username, string remote, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        if (await _store.SetAdminSecurityStampAsync(username, NewSecurityStamp(), new AuditEvent(now, "admin.logout", "admin:" + username, $"every session ended, from {remote}"), cancellationToken))
        {
            LogManaged(_logger, "logged out everywhere", username, "admin:" + username);
        }
    }

    /// <summary>Creates an administrator. Returns the password (the chosen one or a generated one), or the problem.</summary>
    /// <param name="role">The new administrator's role (least privilege, auditor, when the caller names none).</param>
    public async Task<(string? Password, string? Problem)> CreateAsync(string username, string? password, AdminRole role, string actor, CancellationToken cancellationToken)
    {
        username = username.Trim();
        if (CheckUsername(username) is { } badName)
        {
            return (null, badName);
        }

        // A generated password (24 random base64url characters) needs no check; a chosen one does.
        if (!string.IsNullOrEmpty(password) && CheckStrength(password, username) is { } weak)
        {
            return (null, weak);
        }

        password = string.IsNullOrEmpty(password) ? PasswordHasher.GeneratePassword() : password;

        var now = _time.GetUtcNow();
        var created = await _store.InsertAdminAsync(
            new AdminUser { Username = username, PasswordHash = _hasher.Hash(password), CreatedAt = now, SecurityStamp = NewSecurityStamp(), Role = role },
            new AuditEvent(now, "admin.created", actor, $"administrator '{username}' with role {AdminRoles.Name(role)}"),
            cancellationToken);
        if (!created)
        {
            return (null, $"an administrator named '{username}' already exists");
        }

        LogManaged(_logger, "created", username, actor);
        return (password, null);
    }

    /// <summary>Enables or disables an administrator; null when done, else the problem.</summary>
    /// <param name="self">The administrator asking (console), who may not disable themselves; null for an API key.</param>
    public async Task<string?> SetEnabledAsync(string username, bool enabled, string actor, string? self, CancellationToken cancellationToken)
    {
        if (await _store.FindAdminAsync(username, cancellationToken) is null)
        {
            return $"no administrator named '{username}'";
        }

        if (!enabled && string.Equals(username, self, StringComparison.Ordinal))
        {
            return "you cannot disable yourself; ask another administrator";
        }

        var now = _time.GetUtcNow();
        var kind = enabled ? "admin.enabled" : "admin.disabled";
        // A new stamp either way: disabling ends the sessions at once, and enabling again does not revive them.
        if (!await _store.SetAdminEnabledAsync(username, enabled, NewSecurityStamp(), new AuditEvent(now, kind, actor, $"administrator '{username}'"), cancellationToken))
        {
            return $"'{username}' is the last enabled administrator with the role administrator and stays enabled";
        }

        LogManaged(_logger, enabled ? "enabled" : "disabled", username, actor);
        return null;
    }

    /// <summary>
    /// Gives an administrator another role (audited with who did it and the role before); null when done, else the
    /// problem. The last enabled administrator with the role administrator keeps it (storage checks, in the same
    /// statement). The change applies from the administrator's next request: the role is read on every request.
    /// </summary>
    public async Task<string?> SetRoleAsync(string username, string role, string actor, CancellationToken cancellationToken)
    {
        if (!AdminRoles.TryParse(role, out var parsed))
        {
            return $"role must be one of {string.Join(", ", AdminRoles.Names)}";
        }

        if (await _store.FindAdminAsync(username, cancellationToken) is not { } admin)
        {
            return $"no administrator named '{username}'";
        }

        if (admin.Role == parsed)
        {
            return null;
        }

        var audit = new AuditEvent(_time.GetUtcNow(), "admin.role-changed", actor, $"administrator '{username}': {AdminRoles.Name(admin.Role)} -> {role}");
        if (!await _store.SetAdminRoleAsync(username, parsed, audit, cancellationToken))
        {
            return $"'{username}' is the last enabled administrator with the role administrator and keeps it";
        }

        LogManaged(_logger, "given the role " + role, username, actor);
        return null;
    }

    /// <summary>
    /// Gives an administrator a new password (the chosen one or a generated one), lifts a lock and ends the
    /// administrator's open sessions. Returns the password or the problem.
    /// </summary>
    public async Task<(string? Password, string? Problem)> ResetPasswordAsync(string username, string? password, string actor, CancellationToken cancellationToken)
    {
        // A generated password (24 random base64url characters) needs no check; a chosen one does.
        if (!string.IsNullOrEmpty(password) && CheckStrength(password, username) is { } weak)
        {
            return (null, weak);
        }

        password = string.IsNullOrEmpty(password) ? PasswordHasher.GeneratePassword() : password;

        var now = _time.GetUtcNow();
        // A new stamp ends every session opened with the old password.
        if (!await _store.SetAdminPasswordAsync(username, _hasher.Hash(password), NewSecurityStamp(), new AuditEvent(now, "admin.password-reset", actor, $"administrator '{username}'"), cancellationToken))
        {
            return (null, $"no administrator named '{username}'");
        }

        LogManaged(_logger, "given a new password", username, actor);
        return (password, null);
    }

    /// <summary>
    /// A password an administrator chooses: at least <see cref="MinPasswordLength"/> characters, three kinds
    /// of character (lower, upper, digit, other) unless it is a passphrase of 20 or more, and not the user name.
    /// Null when acceptable.
    /// </summary>
    public static string? CheckStrength(string password, string username)
    {
        if (password.Length < MinPasswordLength)
        {
            return $"the password must have at least {MinPasswordLength} characters";
        }

        if (username.Length > 0 && password.Contains(username, StringComparison.OrdinalIgnoreCase))
        {
            return "the password must not contain the user name";
        }

        var kinds = (password.Any(char.IsLower) ? 1 : 0) + (password.Any(char.IsUpper) ? 1 : 0) + (password.Any(char.IsDigit) ? 1 : 0)
            + (password.Any(c => !char.IsLetterOrDigit(c)) ? 1 : 0);
        if (kinds < 3 && password.Length < 20)
        {
            return "the password needs three of lower case, upper case, digits and other characters (or 20 characters or more)";
        }

        return password.Distinct().Count() < 6 ? "the password repeats too few characters" : null;
    }

    private static string? CheckUsername(string username) =>
        username.Length is 0 or > 64 || !username.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@')
            ? "a user name is 1 to 64 letters, digits, '.', '_', '-' or '@'"
            : null;

    [LoggerMessage(EventId = EstuaryEventId.AdminManaged, Level = LogLevel.Information, Message = "administrator {Username} {Change} by {Actor}")]
    private static partial void LogManaged(ILogger logger, string change, string username, string actor);
}
