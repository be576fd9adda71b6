namespace Estuary.Server;

/// <summary>Abuse limits (section "Estuary:RateLimits"); 0 turns a limit off (benchmarks do).</summary>
public sealed class RateLimitOptions
{
    /// <summary>Sustained EST requests per second from one client address.</summary>
    public int PerAddressPerSecond { get; set; } = 200;

    /// <summary>Sustained EST requests per second for one HTTP Basic user name.</summary>
    public int PerAccountPerSecond { get; set; } = 100;

    /// <summary>Failed logins of one user name from one address before a lockout.</summary>
    public int MaxFailedLogins { get; set; } = 10;

    public int LockoutSeconds { get; set; } = 300;
}
