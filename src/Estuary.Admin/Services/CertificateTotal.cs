using System.Diagnostics;
using Estuary.Storage;

namespace Estuary.Admin.Services;

/// <summary>
/// The dashboard's "certificates issued", counted exactly. Counting is cheap while the table is small (SQLite counts a
/// million from its smallest index in ~20 ms), but PostgreSQL's parallel index-only scan of a million takes 200-300 ms
/// (docs/BENCHMARKS.md, "At a million certificates"). So once a count has taken longer than <see cref="SlowCount"/>,
/// the dashboard is answered from the last count while a new one runs in the background, at most once per
/// <see cref="MaxAge"/> (stale-while-revalidate); the page says when it was counted.
/// </summary>
public sealed class CertificateTotal(IEstuaryStore store, TimeProvider time)
{
    public static readonly TimeSpan SlowCount = TimeSpan.FromMilliseconds(50);

    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(30);

    private readonly Lock _lock = new();
    private Count? _last;
    private Task? _refreshing;

    /// <summary>The number of certificates, and when it was counted.</summary>
    public async Task<(long Total, DateTimeOffset CountedAt)> GetAsync(CancellationToken cancellationToken)
    {
        var last = _last;
        if (last is null || last.Took < SlowCount)
        {
            var fresh = await CountAsync(cancellationToken);
            return (fresh.Total, fresh.At);
        }

        if (time.GetUtcNow() - last.At > MaxAge)
        {
            lock (_lock)
            {
                // One background count at a time, whatever the number of dashboards open; its failure leaves the last count.
                _refreshing ??= Task.Run(async () =>
                {
                    try
                    {
                        await CountAsync(CancellationToken.None);
                    }
                    catch (StorageUnavailableException)
                    {
                    }
                    finally
                    {
                        lock (_lock)
                        {
                            _refreshing = null;
                        }
                    }
                }, CancellationToken.None);
            }
        }

        return (last.Total, last.At);
    }

    private async Task<Count> CountAsync(CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        var total = await store.CountCertificatesAsync(cancellationToken);
        var count = new Count(total, at, Stopwatch.GetElapsedTime(started));
        _last = count;
        return count;
    }

    private sealed record Count(long Total, DateTimeOffset At, TimeSpan Took);
}
