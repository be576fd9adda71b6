namespace Estuary.Admin;

/// <summary>The outcome of a console login.</summary>
/// <param name="Success">Whether the password was right and the administrator may log in.</param>
/// <param name="Reason">What the login page shows on failure: it never tells whether the user exists.</param>
/// <param name="SecurityStamp">On success, the administrator's security stamp, which the session cookie carries.</param>
public sealed record AdminLoginResult(bool Success, string Reason, string SecurityStamp = "");
