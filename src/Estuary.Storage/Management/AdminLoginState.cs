namespace Estuary.Storage;

/// <summary>An administrator's login state right after a failed login was counted.</summary>
/// <param name="FailedLogins">Consecutive failures since the last success or the last lock (0 right after locking).</param>
/// <param name="LockedUntil">Logins are refused until then; an earlier, expired lock may still be shown here.</param>
/// <param name="LockedNow">Whether this failure reached the limit and set the lock.</param>
public sealed record AdminLoginState(int FailedLogins, DateTimeOffset? LockedUntil, bool LockedNow);
