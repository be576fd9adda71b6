using System.Collections.Concurrent;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// One CRL per issuing CA (RFC 5280 §5: a CRL covers the certificates of one issuer): the current CA's is the
/// server's <see cref="CrlPublisher"/>; each CA a renewal replaced gets its own, signed with its own key, for as
/// long as it has unexpired certificates.
/// </summary>
public sealed class IssuerCrls : IDisposable
{
    private readonly CertificateAuthority _ca;
    private readonly CrlPublisher _current;
    private readonly IEstuaryStore _store;
    private readonly RevocationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ConcurrentDictionary<string, PreviousCrl> _previous = new(StringComparer.Ordinal);

    private readonly IssuerHierarchies? _hierarchies;

    public IssuerCrls(CertificateAuthority ca, CrlPublisher current, IEstuaryStore store, RevocationOptions options, TimeProvider time, ILoggerFactory loggers, IssuerHierarchies? hierarchies = null)
    {
        _hierarchies = hierarchies;
        _ca = ca;
        _current = current;
        _store = store;
        _options = options;
        _time = time;
        _loggers = loggers;
    }

    /// <summary>The CRL of the issuing CA with this key identifier (hex, any case), or null when it is not one of ours.</summary>
    public async Task<CrlSnapshot?> FindAsync(string keyIdentifierHex, CancellationToken cancellationToken)
    {
        var wanted = keyIdentifierHex.ToUpperInvariant();
        if (wanted == _ca.KeyIdentifierHex)
        {
            return await _current.GetCurrentAsync(cancellationToken);
        }

        // The main CA's renewed-away generations, and every generation of the further hierarchies (each its own issuer).
        if (_ca.Previous.Concat(_hierarchies?.FurtherGenerations ?? []).FirstOrDefault(p => p.KeyIdentifierHex == wanted) is not { } previous)
        {
            return null;
        }

        // Served from the signed copy until the server's publisher is asked to recheck (a revocation made here shows at
        // once, one made by another process or node within Estuary:Revocation:RecheckInterval, as for the current CA's
        // CRL) or the copy is due; reading every revocation on every fetch cost a full scan per request.
        var previousCrl = _previous.GetOrAdd(wanted, _ => new PreviousCrl(new CrlPublisher(previous, _store, _options, _time, _loggers.CreateLogger<CrlPublisher>())));
        var rechecks = _current.Rechecks;
        if (Interlocked.Read(ref previousCrl.CheckedAt) == rechecks)
        {
            return await previousCrl.Publisher.GetCurrentAsync(cancellationToken);
        }

        var snapshot = await previousCrl.Publisher.RefreshAsync(cancellationToken);
        Interlocked.Exchange(ref previousCrl.CheckedAt, rechecks);
        return snapshot;
    }

    /// <summary>A replaced or further issuer's publisher and the recheck count of the server's publisher it last matched.</summary>
    private sealed class PreviousCrl(CrlPublisher publisher)
    {
        public CrlPublisher Publisher { get; } = publisher;

        public long CheckedAt = -1;
    }

    public void Dispose()
    {
        foreach (var previous in _previous.Values)
        {
            previous.Publisher.Dispose();
        }
    }
}
