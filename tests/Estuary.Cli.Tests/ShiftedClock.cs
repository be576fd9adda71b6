namespace Estuary.Cli.Tests;

/// <summary>The system clock moved by a fixed offset: lets `renew` see a certificate as older than it is.</summary>
internal sealed class ShiftedClock(TimeSpan offset) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => base.GetUtcNow() + offset;
}
