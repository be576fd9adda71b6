namespace Estuary.Storage;

/// <summary>
/// Abuse-limit counters that several nodes share (PostgreSQL), so that N nodes behind a load balancer allow
/// the rate of one, not N times it. A single node (SQLite) keeps them in process and has no such store.
/// Every method costs one round trip.
/// </summary>
public interface ILimitStore
{
    /// <summary>
    /// Takes one token from each bucket, in the order given, stopping at the first that is empty (as a chain of
    /// limiters does: buckets before it keep their charge). Callers list kinds in one fixed order (address before
    /// account), so that two requests never lock the same two buckets in opposite orders.
    /// </summary>
    /// <returns>Null when every bucket had a token; otherwise how long until the empty one has one again.</returns>
    /// <exception cref="StorageUnavailableException">The database cannot be reached.</exception>
    Task<TimeSpan?> TakeTokensAsync(IReadOnlyList<TokenBucket> buckets, CancellationToken cancellationToken);

    /// <summary>
    /// How long (user name, address) stays locked out after too many failed logins (null when not locked), and whether
    /// failures are being counted for it at all.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached.</exception>
    Task<LoginFailureState> LoginFailuresAsync(string username, string address, CancellationToken cancellationToken);

    /// <summary>
    /// Counts a failed login of (user name, address) in a window of <paramref name="window"/> from its first failure;
    /// the <paramref name="maxFailures"/>th locks the pair for <paramref name="lockout"/>. Returns the lockout left, if any.
    /// </summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached.</exception>
    Task<TimeSpan?> RecordLoginFailureAsync(string username, string address, int maxFailures, TimeSpan window, TimeSpan lockout, CancellationToken cancellationToken);

    /// <summary>A successful login forgets the pair's failures.</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached.</exception>
    Task ClearLoginFailuresAsync(string username, string address, CancellationToken cancellationToken);

    /// <summary>Deletes full buckets and expired failure counts (they mean the same as no row); returns how many.</summary>
    /// <exception cref="StorageUnavailableException">The database cannot be reached.</exception>
    Task<int> PurgeLimitsAsync(CancellationToken cancellationToken);
}
