using System.Collections.Concurrent;
using Estuary.Ca;

namespace Estuary.Ra;

/// <summary>
/// Pre-produced OCSP responses (RFC 5019 §2.2.1, RFC 6960 §2.4), at most <see cref="Capacity"/> of them, keyed by
/// the request's CertID. The caller decides whether an entry is still fresh (<see cref="OcspService"/>); the cache
/// only keeps the bound. A hit takes no lock: a dictionary read and a flag set. An insert (after a signature, which
/// costs far more) takes one lock and, when full, evicts by CLOCK (second chance): the hand skips entries hit since
/// it last passed, clearing their flag, and evicts the first one not hit, so stale entries (never hit again) and
/// rarely asked serials go first.
/// </summary>
public sealed class OcspResponseCache
{
    private readonly ConcurrentDictionary<OcspCacheKey, Entry> _entries;
    private readonly OcspCacheKey?[] _slots;
    private readonly Lock _insert = new();
    private int _used;
    private int _hand;

    public OcspResponseCache(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(capacity);
        Capacity = capacity;
        _slots = new OcspCacheKey?[capacity];
        _entries = new ConcurrentDictionary<OcspCacheKey, Entry>(Environment.ProcessorCount, Math.Min(capacity, 1024));
    }

    public int Capacity { get; }

    /// <summary>Entries held now (never more than <see cref="Capacity"/>).</summary>
    public int Count => Volatile.Read(ref _used);

    /// <summary>The entry for <paramref name="key"/>, fresh or not.</summary>
    public Entry? Find(OcspCacheKey key) => _entries.TryGetValue(key, out var entry) ? entry : null;

    /// <summary>Stores (or replaces) the answer for <paramref name="key"/>, evicting one entry when full.</summary>
    public void Add(OcspCacheKey key, Entry entry)
    {
        lock (_insert)
        {
            if (_entries.TryGetValue(key, out var existing))
            {
                entry.Slot = existing.Slot;
                _entries[key] = entry;
                return;
            }

            int slot;
            if (_used < Capacity)
            {
                slot = _used;
                Volatile.Write(ref _used, _used + 1);
            }
            else
            {
                slot = Evict();
            }

            entry.Slot = slot;
            _slots[slot] = key;
            _entries[key] = entry;
        }
    }

    /// <summary>Frees one slot (under the insert lock): the first entry the hand finds not hit since its last pass.</summary>
    private int Evict()
    {
        // Two turns at most: the first clears every flag it passes, so the second finds an entry to evict.
        for (var step = 0; step < 2 * Capacity; step++)
        {
            var slot = _hand;
            _hand = (_hand + 1) % Capacity;
            var key = _slots[slot]!;
            var entry = _entries[key];
            if (entry.Hit)
            {
                entry.Hit = false;
                continue;
            }

            _entries.TryRemove(key, out _);
            return slot;
        }

        throw new InvalidOperationException("unreachable: a full CLOCK turn clears every flag");
    }

    /// <summary>
    /// One pre-produced response and what it was made under: the revocation generation read before the status was
    /// looked up (and the CRL publisher's recheck count, which stands in while no generation was read), and the signer (the delegated responder certificate, or the CA signing itself) that signed it;
    /// <paramref name="signerHolder"/> is where the current signer is read (null when it never changes).
    /// </summary>
    public sealed class Entry(OcspAnswer answer, long generation, long rechecks, object signer, object? signerHolder, DateTimeOffset producedAt)
    {
        private volatile bool _hit;

        public OcspAnswer Answer { get; } = answer;

        public long Generation { get; } = generation;

        public long Rechecks { get; } = rechecks;

        public object Signer { get; } = signer;

        public object? SignerHolder { get; } = signerHolder;

        public DateTimeOffset ProducedAt { get; } = producedAt;

        /// <summary>Set on each fresh hit, cleared by the eviction hand as it passes.</summary>
        public bool Hit
        {
            get => _hit;
            set => _hit = value;
        }

        internal int Slot { get; set; }
    }
}
