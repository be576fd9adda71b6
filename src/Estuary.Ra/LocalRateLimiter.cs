using System.Collections.Concurrent;
using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// Token buckets in this process (GCRA, the "virtual scheduling" form of ITU-T I.371): one theoretical arrival time
/// per bucket, updated by compare-and-swap. The same algorithm as the shared buckets in PostgreSQL, so one node and
/// many nodes limit alike.
/// </summary>
public sealed class LocalRateLimiter(TimeProvider time) : IRateLimiter
{
    /// <summary>Above this many buckets, full ones (arrival time passed, the same as no entry) are swept out.</summary>
    private const int SweepAbove = 100_000;

    private readonly ConcurrentDictionary<string, long> _arrivals = new(StringComparer.Ordinal);

    public ValueTask<TimeSpan?> TryTakeAsync(IReadOnlyList<TokenBucket> buckets, CancellationToken cancellationToken) => new(TryTake(buckets));

    /// <inheritdoc cref="IRateLimiter.TryTakeAsync"/>
    public TimeSpan? TryTake(IReadOnlyList<TokenBucket> buckets)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (_arrivals.Count > SweepAbove)
        {
            Sweep(now);
        }

        foreach (var bucket in buckets)
        {
            if (Take(bucket, now) is { } wait)
            {
                return wait;
            }
        }

        return null;
    }

    private TimeSpan? Take(TokenBucket bucket, long now)
    {
        var perToken = bucket.PerToken.Ticks;
        var tolerance = bucket.BurstTolerance.Ticks;
        while (true)
        {
            if (!_arrivals.TryGetValue(bucket.Key, out var arrival))
            {
                if (_arrivals.TryAdd(bucket.Key, now + perToken))
                {
                    return null;
                }

                continue;
            }

            if (arrival - now > tolerance)
            {
                return TimeSpan.FromTicks(arrival - now - tolerance);
            }

            if (_arrivals.TryUpdate(bucket.Key, Math.Max(arrival, now) + perToken, arrival))
            {
                return null;
            }
        }
    }

    private void Sweep(long now)
    {
        foreach (var (key, arrival) in _arrivals)
        {
            if (arrival <= now)
            {
                _arrivals.TryRemove(new KeyValuePair<string, long>(key, arrival));
            }
        }

        // Still too many live buckets (addresses without end): forget them rather than grow without bound.
        if (_arrivals.Count > SweepAbove)
        {
            _arrivals.Clear();
        }
    }
}
