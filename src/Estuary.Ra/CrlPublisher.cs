using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Keeps the full CRL of one issuing CA current (RFC 5280 §5; for the server's CA: the current one after a renewal): re-signed when a revocation is recorded
/// (here, or by another process sharing the store, seen on the next recheck) and before its nextUpdate.
/// Each CRL takes the next CRL number from storage, so numbers only grow, across restarts and nodes.
/// </summary>
public sealed partial class CrlPublisher : IDisposable
{
    private readonly CertificateAuthority _ca;
    private readonly IEstuaryStore _store;
    private readonly RevocationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly RevocationGeneration? _generation;
    private readonly SemaphoreSlim _signing = new(1, 1);
    private volatile CrlSnapshot? _current;
    private long _rechecks;

    /// <param name="generation">Where the revocation generation read at each recheck is published (the server's publisher
    /// only; OCSP's cached answers follow it).</param>
    public CrlPublisher(CertificateAuthority ca, IEstuaryStore store, RevocationOptions options, TimeProvider time, ILogger<CrlPublisher> logger, RevocationGeneration? generation = null)
    {
        _generation = generation;
        _ca = ca;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    public CertificateAuthority Authority => _ca;

    /// <summary>The current CRL, signing a new one first when there is none or it is due for renewal.</summary>
    public async Task<CrlSnapshot> GetCurrentAsync(CancellationToken cancellationToken)
    {
        var current = _current;
        if (current is not null && !IsDue(current) && current.KeyIdentifier == _ca.KeyIdentifierHex)
        {
            return current;
        }

        return await RefreshCoreAsync(force: false, cancellationToken);
    }

    /// <summary>Re-signs the CRL if the revocations in storage changed or it is due; returns the current one.</summary>
    public Task<CrlSnapshot> RefreshAsync(CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _rechecks);
        return RefreshCoreAsync(force: false, cancellationToken);
    }

    /// <summary>
    /// How many times storage was asked to be rechecked: after each revocation made here (RevocationService) and at each
    /// Estuary:Revocation:RecheckInterval (RevocationRefreshService). The CRLs of other issuers (<see cref="IssuerCrls"/>)
    /// recheck only when it has moved, instead of reading every revocation on every fetch.
    /// </summary>
    public long Rechecks => Interlocked.Read(ref _rechecks);

    private bool IsDue(CrlSnapshot crl) => _time.GetUtcNow() >= crl.NextUpdate - _options.CrlRenewBefore;

    private async Task<CrlSnapshot> RefreshCoreAsync(bool force, CancellationToken cancellationToken)
    {
        await _signing.WaitAsync(cancellationToken);
        try
        {
            var started = Stopwatch.GetTimestamp();
            var now = _time.GetUtcNow();
            // One issuing CA for the whole CRL, even if the server's CA is renewed meanwhile.
            var ca = _ca.Current;
            // Read before the revocations: a revocation committed in between is in the list and has moved the generation,
            // so the next recheck reads again (harmless); the reverse order could record a generation the list lacks.
            var generation = await _store.RevocationGenerationAsync(cancellationToken);
            var current = _current;
            if (!force && current is not null && current.Generation == generation && current.KeyIdentifier == ca.KeyIdentifierHex && !IsDue(current))
            {
                // Nothing revoked anywhere since the last read: one row read instead of every revocation (100,000 at
                // scale, each recheck interval; docs/BENCHMARKS.md "At a million certificates").
                _generation?.Observe(generation);
                return current;
            }

            var entries = (await _store.ListRevokedAsync(cancellationToken))
                .Where(r => r.Issuer == ca.Certificate.Subject && r.NotAfter > now) // RFC 5280 §3.3: expired entries may leave the CRL
                .ToList();
            var fingerprint = Fingerprint(entries);
            if (!force && current is not null && current.Fingerprint == fingerprint && current.KeyIdentifier == ca.KeyIdentifierHex && !IsDue(current))
            {
                // The generation moved for another issuer's certificates: this CRL stands, now known current at it.
                _current = current with { Generation = generation };
                _generation?.Observe(generation);
                return _current;
            }

            var read = Stopwatch.GetElapsedTime(started);
            var number = await _store.NextCrlNumberAsync(ca.KeyIdentifierHex, cancellationToken);
            var thisUpdate = new DateTimeOffset(now.UtcTicks - (now.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            var nextUpdate = thisUpdate + _options.CrlValidity;
            var crlEntries = entries.Select(e => new CrlEntry(Convert.FromHexString(e.Serial), e.RevokedAt, (X509RevocationReason)e.Reason)).ToArray();
            var der = CrlSigner.Sign(ca, crlEntries, number, thisUpdate, nextUpdate);
            var snapshot = new CrlSnapshot(der, number, thisUpdate, nextUpdate, fingerprint)
            {
                KeyIdentifier = ca.KeyIdentifierHex,
                Generation = generation,
                Entries = crlEntries,
                Issuer = ca,
            };
            _current = snapshot;
            _generation?.Observe(generation);
            // The time is logged because it grows with the revocations (docs/BENCHMARKS.md: about 1 s per 100,000 is the budget).
            LogSigned(_logger, number, entries.Count, der.Length, (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds, (long)read.TotalMilliseconds, nextUpdate);
            return snapshot;
        }
        finally
        {
            _signing.Release();
        }
    }

    private static string Fingerprint(List<RevokedCertificate> entries)
    {
        var text = new StringBuilder();
        foreach (var e in entries)
        {
            text.Append(e.Serial).Append(' ').Append(e.RevokedAt.ToUnixTimeMilliseconds()).Append(' ').Append(e.Reason).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    public void Dispose() => _signing.Dispose();

    [LoggerMessage(EventId = EstuaryEventId.CrlSigned, Level = LogLevel.Information, Message = "signed CRL number {Number} with {Count} entries ({Bytes} bytes) in {Milliseconds} ms ({ReadMilliseconds} ms reading the revocations), next update {NextUpdate:u}")]
    private static partial void LogSigned(ILogger logger, long number, int count, int bytes, long milliseconds, long readMilliseconds, DateTimeOffset nextUpdate);
}
