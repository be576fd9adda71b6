using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// The lockout of a (user name, client address) pair after repeated failed HTTP Basic logins: <see cref="LoginThrottle"/>
/// in process (one node) or <see cref="SharedLoginThrottle"/> in PostgreSQL (guesses spread over nodes add up).
/// </summary>
public interface ILoginThrottle
{
    /// <summary>Before the password is checked: whether the pair is locked out, and whether it has failures to forget.</summary>
    ValueTask<LoginFailureState> CheckAsync(string user, string address, CancellationToken cancellationToken);

    ValueTask FailedAsync(string user, string address, CancellationToken cancellationToken);

    /// <summary>The password was right: forgets the pair's failures, if <paramref name="check"/> saw any.</summary>
    ValueTask SucceededAsync(string user, string address, LoginFailureState check, CancellationToken cancellationToken);
}
