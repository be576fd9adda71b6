using System.Collections.Concurrent;
using Estuary.Ca;
using Estuary.Protocol;

namespace Estuary.Ra;

/// <summary>
/// Partition CRLs (RFC 5280 §5.2.5), cut from an issuer's current full CRL (<see cref="CrlSnapshot"/>): the same issuer,
/// thisUpdate, nextUpdate and CRL number (so numbers stay monotonic per issuer, §5.2.3), the entries whose serial falls
/// in the partition (<see cref="CrlPartition"/>), and a critical issuingDistributionPoint naming the partition's URL with
/// onlyContainsUserCerts. Each is signed on its first fetch and then served from that copy until the issuer's next full
/// CRL: a 100,000-entry CRL is 4.6 MB, a sixteenth of it is signed in milliseconds, and then costs nothing per fetch.
/// </summary>
public sealed class PartitionCrls
{
    // One cut per issuer (key identifier): the partitions signed from its newest full CRL. A newer CRL number replaces it.
    private readonly ConcurrentDictionary<string, Cut> _cuts = new(StringComparer.Ordinal);

    /// <summary>How many partition CRLs were signed (for tests and metrics: a fetch of a signed one adds nothing).</summary>
    public long Signatures => Interlocked.Read(ref _signatures);

    private long _signatures;

    /// <summary>
    /// The partition <paramref name="index"/> of <paramref name="count"/> cut from <paramref name="full"/>, signed once per
    /// full CRL and partition. <paramref name="distributionPoint"/> is the partition's URL, exactly as certificates name it.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a valid count or index.</exception>
    /// <exception cref="ArgumentException">A snapshot that does not say which CA signed it.</exception>
    public CrlSnapshot Get(CrlSnapshot full, int count, int index, Uri distributionPoint)
    {
        if (!CrlPartition.IsValidCount(count) || index < 0 || index >= count)
        {
            throw new ArgumentOutOfRangeException(nameof(index), $"partition {index} of {count}: the count is a power of two from 2 to 256 and 0 <= index < count");
        }

        if (full.Issuer is null)
        {
            throw new ArgumentException("the full CRL does not name the CA that signed it", nameof(full));
        }

        var cut = _cuts.AddOrUpdate(full.KeyIdentifier, _ => new Cut(full.Number), (_, existing) => existing.Number >= full.Number ? existing : new Cut(full.Number));
        if (cut.Number != full.Number)
        {
            // An older full CRL still in a caller's hands while a newer one was cut: answer from it, keep nothing.
            return Sign(full, count, index, distributionPoint);
        }

        var key = (count, index, distributionPoint.AbsoluteUri);
        var signed = cut.Parts.GetOrAdd(key, _ => new Lazy<CrlSnapshot>(() => Sign(full, count, index, distributionPoint), LazyThreadSafetyMode.ExecutionAndPublication));
        try
        {
            return signed.Value;
        }
        catch
        {
            // A failed signature (an HSM hiccup) is not kept: the next fetch tries again.
            cut.Parts.TryRemove(new KeyValuePair<(int, int, string), Lazy<CrlSnapshot>>(key, signed));
            throw;
        }
    }

    private CrlSnapshot Sign(CrlSnapshot full, int count, int index, Uri distributionPoint)
    {
        var entries = full.Entries.Where(e => CrlPartition.IndexOf(e.Serial, count) == index).ToArray();
        var scope = new IssuingDistributionPoint(distributionPoint.AbsoluteUri, OnlyContainsUserCerts: true);
        var der = CrlSigner.Sign(full.Issuer!, entries, full.Number, full.ThisUpdate, full.NextUpdate, scope);
        Interlocked.Increment(ref _signatures);
        return new CrlSnapshot(der, full.Number, full.ThisUpdate, full.NextUpdate, full.Fingerprint)
        {
            KeyIdentifier = full.KeyIdentifier,
            Generation = full.Generation,
            Entries = entries,
            Issuer = full.Issuer,
        };
    }

    /// <summary>The partitions signed from one full CRL of one issuer, by (count, index, URL).</summary>
    private sealed class Cut(long number)
    {
        public long Number { get; } = number;

        public ConcurrentDictionary<(int Count, int Index, string Url), Lazy<CrlSnapshot>> Parts { get; } = new();
    }
}
