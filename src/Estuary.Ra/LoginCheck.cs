namespace Estuary.Ra;

/// <summary>A login throttle's answer before the password is checked.</summary>
/// <param name="LockedFor">When locked out, how long until the next attempt is allowed; else null.</param>
/// <param name="FailuresCounted">Whether earlier failures of the pair are counted: only then must a success forget them
/// (on PostgreSQL that saves a statement per successful login, the common case).</param>
public readonly record struct LoginCheck(TimeSpan? LockedFor, bool FailuresCounted);
