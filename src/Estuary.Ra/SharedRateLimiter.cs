using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Token buckets in PostgreSQL that every node charges (one round trip per request), so that N nodes allow the rate
/// of one. When the database cannot answer within <see cref="Deadline"/>, the limit falls back to this node's own
/// buckets: rate limits degrade to per node rather than fail open (no limit) or closed (refusing /cacerts while
/// the database is down, which the outage design keeps serving). What needs the database is refused anyway.
/// </summary>
public sealed partial class SharedRateLimiter(ILimitStore store, LocalRateLimiter fallback, ILogger<SharedRateLimiter> logger) : IRateLimiter
{
    /// <summary>A limit check that takes longer than this is a database in trouble: the request should not wait on it.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private int _degraded;

    public async ValueTask<TimeSpan?> TryTakeAsync(IReadOnlyList<TokenBucket> buckets, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            var wait = await store.TakeTokensAsync(buckets, deadline.Token);
            if (Interlocked.Exchange(ref _degraded, 0) == 1)
            {
                LogRestored(logger);
            }

            return wait;
        }
        catch (Exception e) when (e is StorageUnavailableException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            if (Interlocked.Exchange(ref _degraded, 1) == 0)
            {
                LogDegraded(logger, e.Message);
            }

            return fallback.TryTake(buckets);
        }
    }

    [LoggerMessage(EventId = EstuaryEventId.SharedLimitsDegraded, Level = LogLevel.Warning, Message = "shared rate limits unavailable ({Reason}); this node limits on its own buckets until the database answers")]
    private static partial void LogDegraded(ILogger logger, string reason);

    [LoggerMessage(EventId = EstuaryEventId.SharedLimitsRestored, Level = LogLevel.Information, Message = "shared rate limits answer again; every node counts in the same buckets")]
    private static partial void LogRestored(ILogger logger);
}
