using System.Security.Cryptography;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Admin;

/// <summary>
/// Console administrators: hashed passwords (the same PBKDF2 as EST accounts, no remembered checks), and a
/// lockout after <see cref="MaxFailures"/> consecutive failures for <see cref="LockoutDuration"/>, counted in
/// storage (one atomic statement per failure, so concurrent guesses all count) so a restart does not reset it.
/// Every login, failed or not, is audited.
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

    // Verified for unknown user names so that they cost the same slow hash as a known name with a wrong password.
    private readonly string _dummyHash;

    public AdminUserService(IManagementStore store, TimeProvider time, ILogger<AdminUserService> logger)
    {
        _store = store;
        _time = time;
        _logger = logger;
        _hasher = new PasswordHasher(time, TimeSpan.Zero);
        _dummyHash = _hasher.Hash(PasswordHasher.GeneratePassword());
    }

    /// <summary>
    /// Creates the bootstrap administrator (role administrator) when there is none; returns its password (shown once) when created.
    /// </summary>
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
            new AdminUser { Username = BootstrapUsername, PasswordHash = hash, CreatedAt = now, SecurityStamp = NewSecurityStamp(), Role = AdminRole.Administrator },
            new AuditEvent(now, "admin.created", "system", $"bootstrap administrator '{BootstrapUsername}'"),
            cancellationToken);
        return created ? password : null;
    }

    /// <summary>A new random security stamp (256 bits, hex).</summary>
    public static string NewSecurityStamp() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

    /// <summary>Checks a login. The reason is what the login page shows: it never tells whether the user exists.</summary>
    public async Task<AdminLoginResult> LoginAsync(string username, string password, string remote, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var admin = await _store.FindAdminAsync(username, cancellationToken);
        if (admin is null)
        {
            _ = _hasher.Verify(username, password, _dummyHash); // the same work as a real check, so timing does not reveal unknown names
            await _store.AppendAuditAsyncSafe(new AuditEvent(now, "admin.login-failed", "admin:" + username, $"unknown administrator from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "unknown user");
            return new AdminLoginResult(false, "Wrong user name or password.");
        }

        if (admin.LockedUntil is { } until && until > now)
        {
            await _store.AppendAuditAsyncSafe(new AuditEvent(now, "admin.login-locked", "admin:" + username, $"login while locked, from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "locked");
            return Locked(until);
        }

        if (!_hasher.Verify(username, password, admin.PasswordHash))
        {
            // The count and the lock are decided in storage, in one statement: reading the count here and writing
            // it back let concurrent guesses overwrite each other's failures and never reach the lock.
            var state = await _store.RecordAdminLoginFailureAsync(username, MaxFailures, now + LockoutDuration,
                new AuditEvent(now, "admin.login-failed", "admin:" + username, $"wrong password from {remote}"),
                new AuditEvent(now, "admin.locked", "admin:" + username, $"locked after {MaxFailures} wrong passwords in a row, the last from {remote}"),
                cancellationToken);
            LogFailed(_logger, username, remote, "wrong password");
            return state is { LockedUntil: { } lockedUntil } && lockedUntil > now ? Locked(lockedUntil) : new AdminLoginResult(false, "Wrong user name or password.");
        }

        if (!admin.Enabled)
        {
            // Said only after the right password, so it does not tell a guesser that the name exists.
            await _store.AppendAuditAsyncSafe(new AuditEvent(now, "admin.login-disabled", "admin:" + username, $"login of a disabled administrator from {remote}"), cancellationToken);
            LogFailed(_logger, username, remote, "disabled");
            return new AdminLoginResult(false, "This administrator account is disabled.");
        }

        // Refused when concurrent wrong passwords locked the account after it was read above.
        if (!await _store.RecordAdminLoginSuccessAsync(username, now, new AuditEvent(now, "admin.login", "admin:" + username, $"from {remote}"), cancellationToken))
        {
            LogFailed(_logger, username, remote, "locked");
            return Locked((await _store.FindAdminAsync(username, cancellationToken))?.LockedUntil ?? now + LockoutDuration);
        }

        return new AdminLoginResult(true, "", admin.SecurityStamp);
    }

    private static AdminLoginResult Locked(DateTimeOffset until) =>
        new(false, $"This account is locked after {MaxFailures} failed logins; try again after {until:yyyy-MM-dd HH:mm} UTC.");

    [LoggerMessage(EventId = EstuaryEventId.AdminLoginFailed, Level = LogLevel.Warning, Message = "console login failed for {Username} from {Remote}: {Reason}")]
    private static partial void LogFailed(ILogger logger, string username, string remote, string reason);
}
