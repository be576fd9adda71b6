using Estuary.Storage;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>What the shared Basic-login lockout asks of PostgreSQL per login (the store's SQL: PostgresLimitStoreTests).</summary>
public sealed class SharedLoginThrottleTests
{
    /// <summary>Records the statements a throttle would send; failure state as a real store keeps it.</summary>
    private sealed class RecordingStore : ILimitStore
    {
        private readonly Dictionary<(string, string), int> _failures = [];

        public List<string> Statements { get; } = [];

        public Task<TimeSpan?> TakeTokensAsync(IReadOnlyList<TokenBucket> buckets, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<LoginFailureState> LoginFailuresAsync(string username, string address, CancellationToken cancellationToken)
        {
            Statements.Add("read");
            return Task.FromResult(_failures.TryGetValue((username, address), out var n)
                ? new LoginFailureState(n >= 3 ? TimeSpan.FromMinutes(5) : null, Counted: true)
                : default);
        }

        public Task<TimeSpan?> RecordLoginFailureAsync(string username, string address, int maxFailures, TimeSpan window, TimeSpan lockout, CancellationToken cancellationToken)
        {
            Statements.Add("failure");
            _failures[(username, address)] = _failures.GetValueOrDefault((username, address)) + 1;
            return Task.FromResult<TimeSpan?>(null);
        }

        public Task ClearLoginFailuresAsync(string username, string address, CancellationToken cancellationToken)
        {
            Statements.Add("clear");
            _failures.Remove((username, address));
            return Task.CompletedTask;
        }

        public Task<int> PurgeLimitsAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    }

    private static async Task LogInAsync(ILoginThrottle throttle, bool right)
    {
        var check = await throttle.CheckAsync("device", "192.0.2.1", CancellationToken.None);
        if (right)
        {
            await throttle.SucceededAsync("device", "192.0.2.1", check, CancellationToken.None);
        }
        else
        {
            await throttle.FailedAsync("device", "192.0.2.1", CancellationToken.None);
        }
    }

    [Fact]
    public async Task A_login_after_no_failure_is_one_read_and_a_login_after_failures_forgets_them()
    {
        var store = new RecordingStore();
        var throttle = new SharedLoginThrottle(store, maxFailures: 3);

        await LogInAsync(throttle, right: true);
        Assert.Equal(["read"], store.Statements);

        await LogInAsync(throttle, right: false);
        await LogInAsync(throttle, right: true);
        await LogInAsync(throttle, right: true);
        Assert.Equal(["read", "read", "failure", "read", "clear", "read"], store.Statements);
    }

    [Fact]
    public async Task Failures_up_to_the_limit_lock_the_pair()
    {
        var throttle = new SharedLoginThrottle(new RecordingStore(), maxFailures: 3);
        for (var i = 0; i < 3; i++)
        {
            await LogInAsync(throttle, right: false);
        }

        Assert.NotNull((await throttle.CheckAsync("device", "192.0.2.1", CancellationToken.None)).LockedFor);
        Assert.Null((await throttle.CheckAsync("device", "192.0.2.2", CancellationToken.None)).LockedFor);
    }

    [Fact]
    public async Task With_the_lockout_off_nothing_is_asked()
    {
        var store = new RecordingStore();
        var throttle = new SharedLoginThrottle(store, maxFailures: 0);

        await LogInAsync(throttle, right: false);
        await LogInAsync(throttle, right: true);

        Assert.Empty(store.Statements);
    }
}
