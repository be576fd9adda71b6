using System.Threading.RateLimiting;

namespace Estuary.Admin;

/// <summary>
/// A token bucket per client address for POST /admin/login (Estuary:Admin:LoginAttemptsPerAddress per
/// LoginAttemptWindow). The per-administrator lockout stops guessing one name; this stops one address from
/// trying many names, or from locking every administrator out at the rate the server can hash.
/// </summary>
public sealed class AdminLoginRateLimiter : IDisposable
{
    private readonly PartitionedRateLimiter<string>? _limiter;
    private readonly TimeSpan _perAttempt;

    public AdminLoginRateLimiter(AdminOptions options)
    {
        Validate(options);
        if (options.LoginAttemptsPerAddress == 0)
        {
            return;
        }

        // A full bucket allows a burst of the whole allowance; attempts then come back one at a time, evenly.
        var attempts = options.LoginAttemptsPerAddress;
        _perAttempt = options.LoginAttemptWindow / attempts;
        _limiter = PartitionedRateLimiter.Create<string, string>(address => RateLimitPartition.GetTokenBucketLimiter(address, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = attempts,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = _perAttempt,
            QueueLimit = 0,
            AutoReplenishment = true,
        }));
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
    public TimeSpan? TryAcquire(string address)
    {
        if (_limiter is null)
        {
            return null;
        }

        using var lease = _limiter.AttemptAcquire(address);
        if (lease.IsAcquired)
        {
            return null;
        }

        return lease.TryGetMetadata(MetadataName.RetryAfter, out var retry) && retry > TimeSpan.Zero ? retry : _perAttempt;
    }

    public void Dispose() => _limiter?.Dispose();
}
