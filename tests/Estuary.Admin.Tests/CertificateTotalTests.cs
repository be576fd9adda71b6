using System.Reflection;
using Estuary.Admin.Services;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The dashboard's total is counted on every view while counting is quick, and served from the last count (refreshed
/// in the background at most every 30 s) once a count has been slow, as at a million certificates on PostgreSQL.
/// </summary>
public sealed class CertificateTotalTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("estuary-total").FullName;
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(Path.Combine(_dir, "estuary.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task A_quick_count_is_made_on_every_view()
    {
        var clock = new ManualClock();
        var store = SlowCountStore.Wrap(_store, TimeSpan.Zero, out var counts);
        var total = new CertificateTotal(store, clock);

        Assert.Equal(0, (await total.GetAsync(default)).Total);
        await InsertAsync("AA01");
        Assert.Equal(1, (await total.GetAsync(default)).Total);
        Assert.Equal(2, counts.Count);
    }

    [Fact]
    public async Task After_a_slow_count_views_get_the_last_count_and_one_background_recount_every_half_minute()
    {
        var clock = new ManualClock();
        var store = SlowCountStore.Wrap(_store, TimeSpan.FromMilliseconds(120), out var counts);
        var total = new CertificateTotal(store, clock);

        var first = await total.GetAsync(default);
        Assert.Equal((0L, clock.GetUtcNow()), first);
        await InsertAsync("AA02");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(first, await total.GetAsync(default)); // younger than 30 s: no count at all
        }

        Assert.Equal(1, counts.Count);

        clock.Advance(TimeSpan.FromSeconds(31));
        var views = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => total.GetAsync(default)));
        Assert.All(views, v => Assert.Equal(first, v)); // answered at once from the last count
        await WaitUntilAsync(() => counts.Count == 2);
        await Task.Delay(200);
        Assert.Equal(2, counts.Count); // one recount for all five views

        Assert.Equal((1L, clock.GetUtcNow()), await total.GetAsync(default));
    }

    private Task InsertAsync(string serial)
    {
        var now = DateTimeOffset.UtcNow;
        return _store.InsertCertificateAsync(new CertificateRecord
        {
            Serial = serial,
            Subject = "CN=x",
            SubjectAltNames = "",
            Issuer = "CN=Issuer",
            NotBefore = now,
            NotAfter = now.AddDays(30),
            RequestedBy = "t",
            Label = "",
            Operation = "simpleenroll",
            Der = [0x30, 0x00],
            IssuedAt = now,
        }, new AuditEvent(now, "certificate.issued", "t", serial), default);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }

    private sealed class ManualClock : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    public sealed class Counter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        internal void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>Counts (and slows) CountCertificatesAsync; everything else goes to the real store.</summary>
    public class SlowCountStore : DispatchProxy
    {
        private IEstuaryStore _inner = null!;
        private Counter _counts = null!;
        private TimeSpan _delay;

        public static IEstuaryStore Wrap(IEstuaryStore inner, TimeSpan delay, out Counter counts)
        {
            var proxy = Create<IEstuaryStore, SlowCountStore>();
            var self = (SlowCountStore)(object)proxy;
            self._inner = inner;
            self._delay = delay;
            self._counts = counts = new Counter();
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IEstuaryStore.CountCertificatesAsync))
            {
                return SlowCountAsync((CancellationToken)args![0]!);
            }

            return targetMethod!.Invoke(_inner, args);
        }

        private async Task<long> SlowCountAsync(CancellationToken cancellationToken)
        {
            await Task.Delay(_delay, cancellationToken);
            var total = await _inner.CountCertificatesAsync(cancellationToken);
            _counts.Add();
            return total;
        }
    }
}
