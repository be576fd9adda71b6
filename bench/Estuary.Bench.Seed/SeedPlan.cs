namespace Estuary.Bench.Seed;

/// <summary>
/// What the N seeded records look like, decided from the record's index alone (so a run is repeatable and the
/// records can be signed in parallel): 20 labels, ~10,000 accounts, issuance spread evenly over the last three
/// years, lifetimes of 90 days to 2 years by label, and exactly <see cref="Revoked"/> revocations, all among
/// the certificates still unexpired at <see cref="Now"/> — so that every one of them is on the CRL (RFC 5280
/// §3.3 lets expired entries leave it), the worst case for CRL size and signing time.
/// </summary>
internal sealed class SeedPlan
{
    public const int Accounts = 10_000;

    /// <summary>Label, the device-name prefix of its subjects, and its certificates' lifetime in days.</summary>
    public static readonly (string Label, string Prefix, int Days)[] Labels =
    [
        ("", "host", 365), ("cameras", "cam", 365), ("badges", "badge", 730), ("routers", "rtr", 365),
        ("printers", "prn", 730), ("phones", "phone", 365), ("laptops", "lap", 365), ("servers", "srv", 90),
        ("sensors", "sens", 730), ("kiosks", "kiosk", 365), ("vpn", "vpn", 90), ("wifi", "wifi", 365),
        ("meters", "meter", 730), ("pos", "pos", 365), ("gateways", "gw", 365), ("lab", "lab", 90),
        ("iot", "iot", 730), ("ci", "ci", 90), ("mdm", "mdm", 365), ("scada", "plc", 730),
    ];

    private static readonly string[] Sites = ["ams", "ber", "cdg", "dub", "fra", "hel", "lhr", "mad", "mxp", "osl", "prg", "vie", "waw", "zrh", "nyc", "sfo", "sin", "syd", "tyo", "gru"];

    /// <summary>RFC 5280 §5.3.1 reasons and how often each is used (out of 100).</summary>
    private static readonly (int Reason, int Weight)[] Reasons = [(0, 20), (1, 10), (3, 15), (4, 35), (5, 20)];

    private readonly long _startMs;
    private readonly long _spanMs;
    private readonly long _nowMs;
    private readonly bool[] _revoked;

    public SeedPlan(int count, int revoked, DateTimeOffset now)
    {
        Count = count;
        Now = now;
        _nowMs = now.ToUnixTimeMilliseconds();
        _spanMs = (long)TimeSpan.FromDays(3 * 365).TotalMilliseconds;
        _startMs = _nowMs - _spanMs;

        // Spread the revocations evenly over the unexpired records: the k-th unexpired one is revoked when
        // floor((k + 1) * R / U) steps past floor(k * R / U).
        var unexpired = 0;
        for (var i = 0; i < count; i++)
        {
            unexpired += NotAfterMs(i) > _nowMs ? 1 : 0;
        }

        Unexpired = unexpired;
        Revoked = Math.Min(revoked, unexpired);
        _revoked = new bool[count];
        var k = 0L;
        for (var i = 0; i < count; i++)
        {
            if (NotAfterMs(i) > _nowMs)
            {
                _revoked[i] = (k + 1) * Revoked / unexpired > k * Revoked / unexpired;
                k++;
            }
        }
    }

    public int Count { get; }

    public int Revoked { get; }

    public int Unexpired { get; }

    public DateTimeOffset Now { get; }

    public static (string Label, string Prefix, int Days) LabelOf(int i) => Labels[i % Labels.Length];

    /// <summary>Issued in index order, evenly over three years, with up to a minute of jitter.</summary>
    public long IssuedAtMs(int i) => _startMs + (long)((double)_spanMs * i / Count) + (long)(Hash(i, 1) % 60_000);

    public long NotAfterMs(int i) => IssuedAtMs(i) + (long)TimeSpan.FromDays(LabelOf(i).Days).TotalMilliseconds;

    /// <summary>"cam-fra-0012345": a device name per record, so that a prefix ("cam-fra-00123") narrows to a few.</summary>
    public static string DeviceName(int i) => $"{LabelOf(i).Prefix}-{Sites[(int)(Hash(i, 2) % (ulong)Sites.Length)]}-{i:D7}";

    public static string Account(int i) => $"acct-{Hash(i, 3) % Accounts:D5}";

    /// <summary>85 % simpleenroll, 10 % simplereenroll, 5 % serverkeygen.</summary>
    public static string Operation(int i) => (Hash(i, 4) % 100) switch
    {
        < 85 => "simpleenroll",
        < 95 => "simplereenroll",
        _ => "serverkeygen",
    };

    public bool IsRevoked(int i) => _revoked[i];

    /// <summary>Revoked some time between issuance and now.</summary>
    public long RevokedAtMs(int i) => IssuedAtMs(i) + (long)((_nowMs - IssuedAtMs(i)) * ((Hash(i, 5) % 1000) / 1000.0));

    public static int Reason(int i)
    {
        var pick = (int)(Hash(i, 6) % 100);
        foreach (var (reason, weight) in Reasons)
        {
            if (pick < weight)
            {
                return reason;
            }

            pick -= weight;
        }

        return 0;
    }

    public static string Address(int i) => $"10.{Hash(i, 7) % 256}.{Hash(i, 8) % 256}.{1 + (Hash(i, 9) % 254)}";

    /// <summary>A stable 64-bit mix of (index, purpose) — SplitMix64's finaliser.</summary>
    public static ulong Hash(int i, int purpose)
    {
        var z = ((ulong)(uint)i << 8 | (uint)purpose) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
