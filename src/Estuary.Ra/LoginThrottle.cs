using System.Collections.Concurrent;
using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// Locks out a (user name, client address) pair after repeated failed logins, so that passwords cannot be
/// guessed online. Keyed by the pair, not the user alone, so that a stranger cannot lock a device out. In this
/// process: one node (SQLite); several nodes on PostgreSQL use <see cref="SharedLoginThrottle"/>.
/// </summary>
public sealed class LoginThrottle : ILoginThrottle
{
    private const int MaxEntries = 100_000;
    private readonly ConcurrentDictionary<(string User, string Address), Entry> _failures = new();
    private readonly TimeProvider _time;

    public LoginThrottle(TimeProvider time, int maxFailures = 10, TimeSpan? window = null, TimeSpan? lockout = null)
    {
        _time = time;
        MaxFailures = maxFailures;
        Window = window ?? TimeSpan.FromMinutes(5);
        Lockout = lockout ?? TimeSpan.FromMinutes(5);
    }

    public int MaxFailures { get; }

    public TimeSpan Window { get; }

    public TimeSpan Lockout { get; }

    /// <summary>When locked out, how long until the next attempt is allowed; else null.</summary>
    public TimeSpan? LockedFor(string user, string address)
    {
        if (MaxFailures <= 0 || !_failures.TryGetValue((user, address), out var entry) || entry.LockedUntil is not { } until)
        {
            return null;
        }

        var left = until - _time.GetUtcNow();
        return left > TimeSpan.Zero ? left : null;
    }

    public void Failed(string user, string address)
    {
        if (MaxFailures <= 0)
        {
            return;
        }

        if (_failures.Count >= MaxEntries)
        {
            _failures.Clear();
        }

        var now = _time.GetUtcNow();
        _failures.AddOrUpdate(
            (user, address),
            _ => new Entry(1, now, null),
            (_, e) =>
            {
                var count = now - e.WindowStart > Window ? 1 : e.Count + 1;
                var start = count == 1 ? now : e.WindowStart;
                return new Entry(count, start, count >= MaxFailures ? now + Lockout : e.LockedUntil);
            });
    }

    public void Succeeded(string user, string address) => _failures.TryRemove((user, address), out _);

    ValueTask<LoginFailureState> ILoginThrottle.CheckAsync(string user, string address, CancellationToken cancellationToken) =>
        new(new LoginFailureState(LockedFor(user, address), _failures.ContainsKey((user, address))));

    ValueTask ILoginThrottle.FailedAsync(string user, string address, CancellationToken cancellationToken)
    {
        Failed(user, address);
        return ValueTask.CompletedTask;
    }

    ValueTask ILoginThrottle.SucceededAsync(string user, string address, LoginFailureState check, CancellationToken cancellationToken)
    {
        Succeeded(user, address);
        return ValueTask.CompletedTask;
    }

    private sealed record Entry(int Count, DateTimeOffset WindowStart, DateTimeOffset? LockedUntil);
}
