namespace Estuary.Storage;

/// <summary>What is known of a (user name, address) pair's failed logins before its password is checked (the shared store's
/// answer, and the login throttles' in process or in PostgreSQL).</summary>
/// <param name="LockedFor">How long the pair stays locked out; null when it is not locked.</param>
/// <param name="Counted">Whether failures are being counted for the pair (a success then has something to forget).</param>
public readonly record struct LoginFailureState(TimeSpan? LockedFor, bool Counted);
