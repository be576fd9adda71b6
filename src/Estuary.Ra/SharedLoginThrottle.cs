using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// The Basic-login lockout in PostgreSQL, shared by every node: failures of a (user, address) pair count together
/// wherever the load balancer sent them. Fails closed: when the database cannot say whether a pair is locked, or
/// cannot record a failure, the login is not decided (<see cref="StorageUnavailableException"/> becomes 503) —
/// otherwise an attacker who can slow the database would guess uncounted. The account itself lives in the same
/// database, so a login could not succeed then anyway.
/// </summary>
public sealed class SharedLoginThrottle(ILimitStore store, int maxFailures = 10, TimeSpan? window = null, TimeSpan? lockout = null) : ILoginThrottle
{
    public int MaxFailures { get; } = maxFailures;

    public TimeSpan Window { get; } = window ?? TimeSpan.FromMinutes(5);

    public TimeSpan Lockout { get; } = lockout ?? TimeSpan.FromMinutes(5);

    public async ValueTask<LoginFailureState> CheckAsync(string user, string address, CancellationToken cancellationToken) =>
        MaxFailures <= 0 ? default : await store.LoginFailuresAsync(user, address, cancellationToken);

    public async ValueTask FailedAsync(string user, string address, CancellationToken cancellationToken)
    {
        if (MaxFailures > 0)
        {
            await store.RecordLoginFailureAsync(user, address, MaxFailures, Window, Lockout, cancellationToken);
        }
    }

    /// <summary>
    /// Deletes the pair's count only when the check saw one: most logins follow no failure, and the DELETE would be a
    /// round trip that finds nothing. A failure recorded on another node between the check and this success stays counted,
    /// as if it had come after the success.
    /// </summary>
    public async ValueTask SucceededAsync(string user, string address, LoginFailureState check, CancellationToken cancellationToken)
    {
        if (MaxFailures > 0 && check.Counted)
        {
            await store.ClearLoginFailuresAsync(user, address, cancellationToken);
        }
    }
}
