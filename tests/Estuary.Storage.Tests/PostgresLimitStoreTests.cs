using Estuary.Storage.Postgres;
using Estuary.Testing;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>
/// The shared abuse-limit counters (migration 10) on a real PostgreSQL, read and written through two stores as two
/// nodes would: a bucket holds its capacity however the takes are spread, and a lockout reached on one is seen by the other.
/// </summary>
public sealed class PostgresLimitStoreTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>, IAsyncLifetime
{
    // An hour per token: no token comes back while a test runs, however slow the machine.
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private PostgresStore _nodeA = null!;
    private PostgresStore _nodeB = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        _nodeA = await PostgresStore.OpenAsync(connectionString);
        _nodeB = await PostgresStore.OpenAsync(connectionString);
    }

    public async Task DisposeAsync()
    {
        await _nodeA.DisposeAsync();
        await _nodeB.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_takes_through_two_stores_get_exactly_the_capacity_and_then_a_wait()
    {
        var bucket = new TokenBucket("test:burst", 25, 1, Hour);

        var answers = await Task.WhenAll(Enumerable.Range(0, 100).Select(i => (i % 2 == 0 ? _nodeA : _nodeB).TakeTokensAsync([bucket], CancellationToken.None)));

        Assert.Equal(25, answers.Count(a => a is null));
        var waits = answers.OfType<TimeSpan>().ToList();
        Assert.Equal(75, waits.Count);
        Assert.All(waits, w => Assert.InRange(w, TimeSpan.FromMinutes(59), Hour)); // one token's time, not zero, not more
    }

    [Fact]
    public async Task An_empty_bucket_stops_the_chain_and_the_buckets_after_it_keep_their_tokens()
    {
        var first = new TokenBucket("test:chain-first", 1, 1, Hour);
        var second = new TokenBucket("test:chain-second", 2, 1, Hour);

        Assert.Null(await _nodeA.TakeTokensAsync([first, second], CancellationToken.None)); // both charged: first now empty, second has 1
        Assert.NotNull(await _nodeB.TakeTokensAsync([first, second], CancellationToken.None)); // refused at first; second untouched

        Assert.Null(await _nodeA.TakeTokensAsync([second], CancellationToken.None));
        Assert.NotNull(await _nodeB.TakeTokensAsync([second], CancellationToken.None));
    }

    [Fact]
    public async Task A_bucket_refills_at_its_rate()
    {
        // One per second, two in a burst: the third take within a second is refused with at most a second to wait,
        // and waiting that long gives one more (a slower machine only waits less).
        var bucket = new TokenBucket("test:refill", 2, 1, TimeSpan.FromSeconds(1));
        Assert.Null(await _nodeA.TakeTokensAsync([bucket], CancellationToken.None));
        Assert.Null(await _nodeA.TakeTokensAsync([bucket], CancellationToken.None));
        var wait = await _nodeB.TakeTokensAsync([bucket], CancellationToken.None);
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromTicks(1), TimeSpan.FromSeconds(1));

        await Task.Delay(wait.Value + TimeSpan.FromMilliseconds(10));

        Assert.Null(await _nodeB.TakeTokensAsync([bucket], CancellationToken.None));
    }

    [Fact]
    public async Task Failures_spread_over_two_stores_lock_the_pair_on_both_and_only_that_pair()
    {
        Assert.Null(await _nodeA.RecordLoginFailureAsync("device-1", "192.0.2.7", 4, Hour, TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Null(await _nodeB.RecordLoginFailureAsync("device-1", "192.0.2.7", 4, Hour, TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Null(await _nodeA.RecordLoginFailureAsync("device-1", "192.0.2.7", 4, Hour, TimeSpan.FromMinutes(5), CancellationToken.None));
        Assert.Null((await _nodeA.LoginFailuresAsync("device-1", "192.0.2.7", CancellationToken.None)).LockedFor);

        var locked = await _nodeB.RecordLoginFailureAsync("device-1", "192.0.2.7", 4, Hour, TimeSpan.FromMinutes(5), CancellationToken.None);

        Assert.InRange(locked!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.InRange(((await _nodeA.LoginFailuresAsync("device-1", "192.0.2.7", CancellationToken.None)).LockedFor)!.Value, TimeSpan.FromMinutes(4), TimeSpan.FromMinutes(5));
        Assert.NotNull((await _nodeB.LoginFailuresAsync("device-1", "192.0.2.7", CancellationToken.None)).LockedFor);
        Assert.Null((await _nodeA.LoginFailuresAsync("device-1", "192.0.2.8", CancellationToken.None)).LockedFor);
        Assert.Null((await _nodeA.LoginFailuresAsync("device-2", "192.0.2.7", CancellationToken.None)).LockedFor);
    }

    [Fact]
    public async Task Concurrent_failures_each_count()
    {
        await Task.WhenAll(Enumerable.Range(0, 9).Select(i => (i % 2 == 0 ? _nodeA : _nodeB).RecordLoginFailureAsync("racer", "192.0.2.9", 10, Hour, TimeSpan.FromMinutes(5), CancellationToken.None)));
        Assert.Null((await _nodeA.LoginFailuresAsync("racer", "192.0.2.9", CancellationToken.None)).LockedFor);

        Assert.NotNull(await _nodeB.RecordLoginFailureAsync("racer", "192.0.2.9", 10, Hour, TimeSpan.FromMinutes(5), CancellationToken.None));
    }

    [Fact]
    public async Task Failures_are_counted_from_the_first_until_cleared_or_expired()
    {
        Assert.Equal(default, await _nodeA.LoginFailuresAsync("counted", "192.0.2.20", CancellationToken.None));

        await _nodeB.RecordLoginFailureAsync("counted", "192.0.2.20", 5, Hour, Hour, CancellationToken.None);
        Assert.Equal(new LoginFailureState(null, Counted: true), await _nodeA.LoginFailuresAsync("counted", "192.0.2.20", CancellationToken.None));

        await _nodeA.ClearLoginFailuresAsync("counted", "192.0.2.20", CancellationToken.None);
        Assert.False((await _nodeB.LoginFailuresAsync("counted", "192.0.2.20", CancellationToken.None)).Counted);

        // A window of 1 ms has run out: the row is still there (until the purge) but counts nothing.
        await _nodeA.RecordLoginFailureAsync("counted", "192.0.2.21", 5, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), CancellationToken.None);
        await Task.Delay(20);
        Assert.Equal(default, await _nodeB.LoginFailuresAsync("counted", "192.0.2.21", CancellationToken.None));
    }

    [Fact]
    public async Task A_success_forgets_the_failures_and_an_expired_window_starts_again()
    {
        await _nodeA.RecordLoginFailureAsync("forgetful", "192.0.2.10", 2, Hour, Hour, CancellationToken.None);
        await _nodeB.ClearLoginFailuresAsync("forgetful", "192.0.2.10", CancellationToken.None);
        Assert.Null(await _nodeA.RecordLoginFailureAsync("forgetful", "192.0.2.10", 2, Hour, Hour, CancellationToken.None));

        // A window of 1 ms has run out by the next failure: the count starts again at 1, below the limit of 2.
        await _nodeA.RecordLoginFailureAsync("slow", "192.0.2.11", 2, TimeSpan.FromMilliseconds(1), Hour, CancellationToken.None);
        await Task.Delay(20);
        Assert.Null(await _nodeB.RecordLoginFailureAsync("slow", "192.0.2.11", 2, TimeSpan.FromMilliseconds(1), Hour, CancellationToken.None));
    }

    [Fact]
    public async Task Purge_deletes_full_buckets_and_expired_counts_and_keeps_live_ones()
    {
        await _nodeA.TakeTokensAsync([new TokenBucket("test:purge-live", 5, 1, Hour)], CancellationToken.None);
        await _nodeA.TakeTokensAsync([new TokenBucket("test:purge-full", 5, 1000, TimeSpan.FromSeconds(1))], CancellationToken.None);
        await _nodeA.RecordLoginFailureAsync("expired", "192.0.2.12", 5, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(1), CancellationToken.None);
        await _nodeA.RecordLoginFailureAsync("live", "192.0.2.12", 1, Hour, Hour, CancellationToken.None);
        await Task.Delay(20);

        Assert.Equal(2, await _nodeB.PurgeLimitsAsync(CancellationToken.None));

        Assert.NotNull((await _nodeA.LoginFailuresAsync("live", "192.0.2.12", CancellationToken.None)).LockedFor);
        var live = new TokenBucket("test:purge-live", 5, 1, Hour);
        for (var i = 0; i < 4; i++)
        {
            Assert.Null(await _nodeA.TakeTokensAsync([live], CancellationToken.None));
        }

        Assert.NotNull(await _nodeA.TakeTokensAsync([live], CancellationToken.None)); // its first take survived the purge
    }

    [Fact]
    public async Task Keys_that_text_or_an_index_cannot_hold_are_kept_as_digests()
    {
        var huge = "user:" + new string('x', 10_000);
        var nul = "user:a\0b";

        Assert.Null(await _nodeA.TakeTokensAsync([new TokenBucket(huge, 1, 1, Hour), new TokenBucket(nul, 1, 1, Hour)], CancellationToken.None));
        Assert.NotNull(await _nodeB.TakeTokensAsync([new TokenBucket(huge, 1, 1, Hour)], CancellationToken.None));
        Assert.NotNull(await _nodeB.TakeTokensAsync([new TokenBucket(nul, 1, 1, Hour)], CancellationToken.None));
        Assert.NotNull(await _nodeA.RecordLoginFailureAsync(new string('u', 5_000), "a\0", 1, Hour, Hour, CancellationToken.None));
        Assert.NotNull((await _nodeB.LoginFailuresAsync(new string('u', 5_000), "a\0", CancellationToken.None)).LockedFor);
    }
}
