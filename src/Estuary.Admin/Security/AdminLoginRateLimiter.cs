using Estuary.Ra;
using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>
/// A token bucket per client address for POST /admin/login (Estuary:Admin:LoginAttemptsPerAddress per
/// LoginAttemptWindow). The per-administrator lockout stops guessing one name; this stops one address from
/// trying many names, or from locking every administrator out at the rate the server can hash. The bucket is the
/// server's <see cref="IRateLimiter"/>: shared by every node on PostgreSQL, in process on SQLite.
/// </summary>
public sealed class AdminLoginRateLimiter
{
    private readonly IRateLimiter _limiter;
    private readonly int _attempts;
    private readonly TimeSpan _perAttempt;

    public AdminLoginRateLimiter(AdminOptions options, IRateLimiter limiter)
    {
        Validate(options);
        _limiter = limiter;
        _attempts = options.LoginAttemptsPerAddress;
        // A full bucket allows a burst of the whole allowance; attempts then come back one at a time, evenly.
        _perAttempt = _attempts == 0 ? TimeSpan.Zero : options.LoginAttemptWindow / _attempts;
    }

    /// <exception cref="ArgumentException">The settings make no sense.</exception>
    public static void Validate(AdminOptions options)
    {
        if (options.LoginAttemptsPerAddress < 0)
        {
            throw new ArgumentException("Estuary:Admin:LoginAttemptsPerAddress must be 0 (off) or more");
        }

        if (options.LoginAttemptsPerAddress > 0 && options.LoginAttemptWindow <= TimeSpan.Zero)
        {
            throw new ArgumentException("Estuary:Admin:LoginAttemptWindow must be longer than zero");
        }
    }

    /// <summary>Takes one attempt for this address: null when allowed, else how long to wait.</summary>
    public async ValueTask<TimeSpan?> TryAcquireAsync(string address, CancellationToken cancellationToken)
    {
        if (_attempts == 0)
        {
            return null;
        }

        var bucket = new TokenBucket("admin-login:" + address, _attempts, 1, _perAttempt);
        return await _limiter.TryTakeAsync([bucket], cancellationToken) is { } wait ? wait > TimeSpan.Zero ? wait : _perAttempt : null;
    }
}
