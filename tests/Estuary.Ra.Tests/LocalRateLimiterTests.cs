using Estuary.Storage;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>The in-process token buckets (one node): burst, refill, and the chain's order, on a clock the test moves.</summary>
public sealed class LocalRateLimiterTests
{
    private readonly ManualClock _clock = new();

    [Fact]
    public void A_full_bucket_gives_its_capacity_then_refuses_with_the_time_until_the_next_token()
    {
        var limiter = new LocalRateLimiter(_clock);
        var bucket = new TokenBucket("k", 4, 2, TimeSpan.FromSeconds(1)); // 2 per second, a burst of 4

        Assert.All(Enumerable.Range(0, 4), _ => Assert.Null(limiter.TryTake([bucket])));
        Assert.Equal(TimeSpan.FromMilliseconds(500), limiter.TryTake([bucket]));

        _clock.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Equal(TimeSpan.FromMilliseconds(1), limiter.TryTake([bucket]));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(limiter.TryTake([bucket]));
        Assert.NotNull(limiter.TryTake([bucket]));

        // Idle long enough, the bucket is full again, and no fuller than its capacity.
        _clock.Advance(TimeSpan.FromHours(1));
        Assert.All(Enumerable.Range(0, 4), _ => Assert.Null(limiter.TryTake([bucket])));
        Assert.NotNull(limiter.TryTake([bucket]));
    }

    [Fact]
    public void Over_time_the_rate_is_held_whatever_the_burst()
    {
        var limiter = new LocalRateLimiter(_clock);
        var bucket = new TokenBucket("k", 10, 5, TimeSpan.FromSeconds(1));
        var allowed = 0;
        for (var ms = 0; ms < 10_000; ms += 10)
        {
            // 100 attempts a second for 10 s against 5 a second.
            allowed += limiter.TryTake([bucket]) is null ? 1 : 0;
            _clock.Advance(TimeSpan.FromMilliseconds(10));
        }

        Assert.InRange(allowed, 10 + 49, 10 + 50); // the burst plus 5/s for the 10 s
    }

    [Fact]
    public void The_chain_stops_at_the_first_empty_bucket_and_buckets_after_it_keep_their_tokens()
    {
        var limiter = new LocalRateLimiter(_clock);
        var address = new TokenBucket("address", 1, 1, TimeSpan.FromHours(1));
        var account = new TokenBucket("account", 2, 1, TimeSpan.FromHours(1));

        Assert.Null(limiter.TryTake([address, account]));
        Assert.NotNull(limiter.TryTake([address, account]));
        Assert.Null(limiter.TryTake([account])); // its second token, untouched by the refused request
        Assert.NotNull(limiter.TryTake([account]));
    }

    [Fact]
    public void Buckets_are_kept_apart_by_key()
    {
        var limiter = new LocalRateLimiter(_clock);

        Assert.Null(limiter.TryTake([new TokenBucket("est-address:192.0.2.1", 1, 1, TimeSpan.FromHours(1))]));
        Assert.Null(limiter.TryTake([new TokenBucket("est-address:192.0.2.2", 1, 1, TimeSpan.FromHours(1))]));
        Assert.NotNull(limiter.TryTake([new TokenBucket("est-address:192.0.2.1", 1, 1, TimeSpan.FromHours(1))]));
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
