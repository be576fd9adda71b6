namespace Estuary.Storage;

/// <summary>
/// One token bucket of an abuse limit: <see cref="Capacity"/> tokens when full (the burst), refilled by
/// <see cref="TokensPerPeriod"/> every <see cref="Period"/>; each request takes one. <see cref="Key"/> names the
/// bucket ("est-address:192.0.2.7"); its prefix says the kind, so that keys of two kinds never meet.
/// </summary>
public sealed record TokenBucket(string Key, int Capacity, int TokensPerPeriod, TimeSpan Period)
{
    /// <summary>The time one token takes to come back (the emission interval of GCRA, ITU-T I.371).</summary>
    public TimeSpan PerToken => Period / TokensPerPeriod;

    /// <summary>How far ahead of now the bucket's theoretical arrival time may run: room for Capacity − 1 more.</summary>
    public TimeSpan BurstTolerance => PerToken * (Capacity - 1);
}
