using System.Reflection;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// The administrator lockout holds under concurrency: wrong passwords that all read the same failure count
/// before any of them writes still each count (the increment and the lock are one statement in storage).
/// </summary>
public sealed class AdminLockoutTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("estuary-lockout-").FullName;
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(Path.Combine(_dir, "estuary.db"));

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public async Task Concurrent_wrong_passwords_lock_the_administrator_and_the_right_one_is_then_refused()
    {
        const int Guesses = AdminUserService.MaxFailures * 2;
        var bootstrap = await AdminUserService.EnsureBootstrapAsync(_store, TimeProvider.System, default);
        // Every guess reads the administrator before any guess records its failure: the worst interleaving,
        // made certain instead of left to the scheduler.
        var gated = ReadBarrier.Wrap(_store, Guesses);
        var admins = new AdminUserService(gated, TimeProvider.System, NullLogger<AdminUserService>.Instance);

        var results = await Task.WhenAll(Enumerable.Range(0, Guesses).Select(i => Task.Run(() => admins.LoginAsync("admin", $"wrong-{i}", "test", default))));

        Assert.All(results, r => Assert.False(r.Success));
        var right = await admins.LoginAsync("admin", bootstrap!, "test", default);
        Assert.False(right.Success);
        Assert.Contains("locked", right.Reason, StringComparison.Ordinal);
        Assert.NotNull((await _store.FindAdminAsync("admin", default))!.LockedUntil);
    }

    /// <summary>A management store whose first N administrator reads all wait until all N have read.</summary>
    public class ReadBarrier : DispatchProxy
    {
        private IManagementStore _inner = null!;
        private int _gate;
        private int _arrived;
        private int _read;
        private TaskCompletionSource _all = null!;

        public static IManagementStore Wrap(IManagementStore inner, int gate)
        {
            var proxy = Create<IManagementStore, ReadBarrier>();
            var barrier = (ReadBarrier)(object)proxy;
            barrier._inner = inner;
            barrier._gate = gate;
            barrier._all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod!.Name == nameof(IManagementStore.FindAdminAsync) && Interlocked.Increment(ref _arrived) <= _gate)
            {
                return HoldAsync((string)args![0]!, (CancellationToken)args[1]!);
            }

            try
            {
                return targetMethod.Invoke(_inner, args);
            }
            catch (TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }

        private async Task<AdminUser?> HoldAsync(string username, CancellationToken cancellationToken)
        {
            var admin = await _inner.FindAdminAsync(username, cancellationToken);
            if (Interlocked.Increment(ref _read) == _gate)
            {
                _all.SetResult();
            }

            await _all.Task.WaitAsync(TimeSpan.FromMinutes(1), cancellationToken);
            return admin;
        }
    }
}
