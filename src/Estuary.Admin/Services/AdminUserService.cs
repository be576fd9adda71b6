using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Admin;

/// <summary>
/// Console administrators: hashed passwords (the same PBKDF2 as EST accounts, no remembered checks), and a
/// lockout after <see cref="MaxFailures"/> consecutive failures for <see cref="LockoutDuration"/>, counted in
/// storage so a restart does not reset it. Every login, failed or not, is audited.
/// </summary>
public sealed partial class AdminUserService
{
    public const string BootstrapUsername = "admin";
    public const int MaxFailures = 5;
    public static readonly TimeSpan LockoutDuration = TimeSpan.FromMinutes(15);

    private readonly IManagementStore _store;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public AdminUserService(IManagementStore store, TimeProvider time, ILogger<AdminUserService> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _hasher = new PasswordHasher(time, TimeSpan.Zero);
    }

    /// <summary>Creates the bootstrap administrator when there is none; returns its password (shown once) when created.</summary>
    public static async Task<string?> EnsureBootstrapAsync(IManagementStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.CountAdminsAsync(cancellationToken) > 0)
        {
            return null;
        }

        var password = PasswordHasher.GeneratePassword();
        var hash = new PasswordHasher(time, TimeSpan.Zero).Hash(password);
        var now = time.GetUtcNow();
        var created = await store.InsertAdminAsync(
            new AdminUser { Username = BootstrapUsername, PasswordHash = hash, CreatedAt = now },
            new AuditEvent(now, "admin.created", "system", $"bootstrap administrator '{BootstrapUsername}'"),
            cancellationToken);
        return created ? password : null;
    }

    /// <summary>Checks a login. The reason is what the login page shows: it never tells whether the user exists.</summary>
    public async Task<(bool Success, string Reason)> LoginAsync(string username, string password, string remote, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var admin = await _store.FindAdminAsync(username, cancellationToken);
        if (admin is null)
        {
            _ = _hasher.Hash(password); // the same work as a real check, so timing does not reveal unknown names
            await _store.AppendAuditAsyncSafe(new AuditEvent(now, "admin.login-failed", "admin:" + username, $"unknown administrator from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "unknown user");
            return (false, "Wrong user name or password.");
        }

        if (admin.LockedUntil is { } until && until > now)
        {
            await _store.AppendAuditAsyncSafe(new AuditEvent(now, "admin.login-locked", "admin:" + username, $"login while locked, from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "locked");
            return (false, $"This account is locked after {MaxFailures} failed logins; try again after {until:yyyy-MM-dd HH:mm} UTC.");
        }

        if (!_hasher.Verify(username, password, admin.PasswordHash))
        {
            var failures = admin.FailedLogins + 1;
            DateTimeOffset? lockedUntil = failures >= MaxFailures ? now + LockoutDuration : null;
            await _store.SetAdminLoginStateAsync(username, lockedUntil is null ? failures : 0, lockedUntil,
                new AuditEvent(now, lockedUntil is null ? "admin.login-failed" : "admin.locked", "admin:" + username, $"wrong password ({failures} in a row) from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "wrong password");
            return lockedUntil is null
                ? (false, "Wrong user name or password.")
                : (false, $"This account is locked after {MaxFailures} failed logins; try again after {lockedUntil:yyyy-MM-dd HH:mm} UTC.");
        }

        if (!admin.Enabled)
        {
            // Said only after the right password, so it does not tell a guesser that the name exists.
            await _store.AppendAuditAsyncSafe(new AuditEvent(now, "admin.login-disabled", "admin:" + username, $"login of a disabled administrator from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "disabled");
            return (false, "This administrator account is disabled.");
        }

        await _store.SetAdminLoginStateAsync(username, 0, null, new AuditEvent(now, "admin.login", "admin:" + username, $"from {remote}"), cancellationToken);
        return (true, "");
    }

    [LoggerMessage(EventId = EstuaryEventId.AdminLoginFailed, Level = LogLevel.Warning, Message = "console login failed for {Username} from {Remote}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string username, string remote, string reason);
}
