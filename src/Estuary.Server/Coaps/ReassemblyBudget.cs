namespace Estuary.Server.Coaps;

/// <summary>
/// The bytes every session together may hold in Block1 reassembly buffers (Estuary:Coaps:MaxReassemblyBytes), so
/// that many peers each starting transfers they never finish cannot exhaust memory.
/// </summary>
public sealed class ReassemblyBudget(long limit)
{
    private long _used;

    public long Used => Interlocked.Read(ref _used);

    public long Limit { get; } = limit;

    /// <summary>Reserves <paramref name="bytes"/>; false (nothing reserved) when that would pass the limit.</summary>
    public bool TryReserve(int bytes)
    {
        while (true)
        {
            var used = Interlocked.Read(ref _used);
            if (used + bytes > Limit)
            {
                return false;
            }

            if (Interlocked.CompareExchange(ref _used, used + bytes, used) == used)
            {
                return true;
            }
        }
    }

    public void Release(long bytes) => Interlocked.Add(ref _used, -bytes);
}
