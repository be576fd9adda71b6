using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// Abuse limits as token buckets: <see cref="LocalRateLimiter"/> in process (one node, SQLite) or
/// <see cref="SharedRateLimiter"/> in PostgreSQL (every node counts in the same buckets). Chosen by the storage provider.
/// </summary>
public interface IRateLimiter
{
    /// <summary>
    /// Takes one token from each bucket in order, stopping at the first empty one (buckets before it keep their charge).
    /// List kinds in one fixed order (address before account).
    /// </summary>
    /// <returns>Null when allowed; otherwise how long until the empty bucket has a token again.</returns>
    ValueTask<TimeSpan?> TryTakeAsync(IReadOnlyList<TokenBucket> buckets, CancellationToken cancellationToken);
}
