namespace Estuary.Ra;

/// <summary>
/// The newest revocation generation this process has seen in storage (IEstuaryStore.RevocationGenerationAsync: a
/// counter every revocation, un-revocation or deletion of a revoked certificate moves, on any node). The CRL
/// publisher observes it at each recheck and after each revocation made here; what is derived from the revocations
/// (the CRL, cached OCSP answers) stays valid while it has not moved. -1 until the first read.
/// </summary>
public sealed class RevocationGeneration
{
    private long _current = -1;

    public long Current => Interlocked.Read(ref _current);

    /// <summary>Records a generation read from storage; an older read arriving late never moves it back.</summary>
    public void Observe(long generation)
    {
        var seen = Interlocked.Read(ref _current);
        while (generation > seen)
        {
            var previous = Interlocked.CompareExchange(ref _current, generation, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}
