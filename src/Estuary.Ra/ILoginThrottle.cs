namespace Estuary.Ra;

/// <summary>
/// The lockout of a (user name, client address) pair after repeated failed HTTP Basic logins: <see cref="LoginThrottle"/>
/// in process (one node) or <see cref="SharedLoginThrottle"/> in PostgreSQL (guesses spread over nodes add up).
/// </summary>
public interface ILoginThrottle
{
    /// <summary>When locked out, how long until the next attempt is allowed; else null.</summary>
    ValueTask<TimeSpan?> LockedForAsync(string user, string address, CancellationToken cancellationToken);

    ValueTask FailedAsync(string user, string address, CancellationToken cancellationToken);

    ValueTask SucceededAsync(string user, string address, CancellationToken cancellationToken);
}
