using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// OCSP (RFC 6960) for the issuing CA and those a renewal replaced: the request's CertID (issuerNameHash,
/// issuerKeyHash) picks the CA, whose own delegated responder signs the answer. The status of each serial comes
/// from storage; a nonce-less single-certificate answer is kept pre-produced (RFC 5019 §2.2.1, <see
/// cref="OcspResponseCache"/>) while the revocation generation, the signer and a quarter of OcspValidity allow, so
/// a revocation made here is answered at once and one made on another node within RecheckInterval. Keeps each
/// responder certificate fresh.
/// </summary>
public sealed partial class OcspService : IDisposable
{
    private readonly CertificateAuthority _ca;
    private readonly CaMaterial _material;
    private readonly IEstuaryStore _store;
    private readonly RevocationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, Responder> _responders = new(StringComparer.Ordinal);
    private readonly ConditionalWeakTable<CertificateAuthority, OcspResponder> _selfSigning = [];
    private readonly Lock _renewal = new();

    private readonly IssuerHierarchies? _hierarchies;
    private readonly RevocationGeneration? _generation;
    private readonly CrlPublisher? _publisher;
    private readonly OcspResponseCache? _cache;
    private readonly TimeSpan _maxAge;

    public OcspService(CertificateAuthority ca, CaMaterial material, IEstuaryStore store, RevocationOptions options, TimeProvider time, ILogger<OcspService> logger, IssuerHierarchies? hierarchies = null, RevocationGeneration? generation = null, CrlPublisher? publisher = null)
    {
        _hierarchies = hierarchies;
        _ca = ca;
        _material = material;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _generation = generation;
        _publisher = publisher;
        // Without the generation a revocation could not reach the cache: then no cache at all.
        _cache = generation is not null && options.OcspCacheEntries > 0 ? new OcspResponseCache(options.OcspCacheEntries) : null;
        _maxAge = options.OcspValidity / 4;
        _ = For(ca.Current);
    }

    /// <summary>The responder certificate of the current issuing CA.</summary>
    public OcspSigningIdentity Signer => For(_ca.Current).Signer;

    /// <summary>The pre-produced responses, or null when Estuary:Revocation:OcspCacheEntries is 0.</summary>
    public OcspResponseCache? Cache => _cache;

    /// <summary>The responder certificate of the issuing CA with this key identifier (hex), or null when it is not one of ours.</summary>
    public OcspSigningIdentity? SignerFor(string keyIdentifierHex) =>
        _ca.Generations.FirstOrDefault(c => c.KeyIdentifierHex == keyIdentifierHex) is { } ca ? For(ca).Signer : null;

    /// <summary>The DER OCSPResponse for a DER OCSPRequest; malformed requests get malformedRequest.</summary>
    public async Task<OcspAnswer> RespondAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var key = _cache is null ? null : OcspCacheKey.TryRead(request);
        if (key is not null && _cache!.Find(key) is { } cached && IsFresh(cached))
        {
            if (!cached.Hit)
            {
                cached.Hit = true;
            }

            return cached.Answer;
        }

        // Read before the status is: a revocation committed after this read moves the generation past it, so an
        // answer made from an older status is never served once the move is seen.
        var generation = _generation?.Current ?? 0;
        var rechecks = _publisher?.Rechecks ?? 0;
        var parsed = OcspResponder.TryParse(request);
        var generations = _ca.Generations;
        var issuer = parsed is null ? generations[0] : FindIssuer(parsed, generations);
        OcspAnswer answer;
        object signer;
        object? signerHolder = null;
        if (!generations.Contains(issuer))
        {
            // A further hierarchy (e.g. ML-DSA): its issuing CA signs the answer itself (RFC 6960 §4.2.2.2, the CA
            // as responder), so the response is signed with the hierarchy's algorithm and needs no delegated key.
            signer = issuer;
            answer = await SelfSigning(issuer).RespondAsync(parsed, (serial, ct) => LookupAsync(issuer, serial, ct), signer: null, _time.GetUtcNow(), _options.OcspValidity, cancellationToken);
        }
        else
        {
            var responder = For(issuer);
            var delegated = responder.Signer;
            signer = delegated;
            signerHolder = responder;
            answer = await responder.Ocsp.RespondAsync(parsed, (serial, ct) => LookupAsync(issuer, serial, ct), delegated, _time.GetUtcNow(), _options.OcspValidity, cancellationToken);
        }

        if (answer.Reason is { } reason)
        {
            LogRefused(_logger, reason);
        }
        else if (key is not null && answer.CacheUntil is not null && answer.ThisUpdate is { } thisUpdate)
        {
            // Only good and revoked answers (CacheUntil is null for unknown): an unknown serial may be a certificate
            // another node issued a moment ago, which moves no revocation generation; and a flood of random serials
            // must not push out the answers relying parties really ask for.
            _cache!.Add(key, new OcspResponseCache.Entry(answer, generation, rechecks, signer, signerHolder, thisUpdate));
        }

        return answer;
    }

    /// <summary>
    /// A pre-produced answer is served while nothing it depends on moved: no revocation seen since (RFC 6960 §2.4
    /// lets a responder answer from pre-produced responses, not from stale ones), the same signer (it is renewed
    /// periodically), and thisUpdate younger than a quarter of OcspValidity, so relying parties always get at least
    /// three quarters of the validity. Until a generation has been read from storage (-1), the CRL publisher's recheck
    /// count stands in for it: it moves after each revocation made here and at each recheck.
    /// </summary>
    private bool IsFresh(OcspResponseCache.Entry entry) =>
        entry.Generation == _generation!.Current
        && (entry.Generation >= 0 || entry.Rechecks == (_publisher?.Rechecks ?? 0))
        && _time.GetUtcNow() - entry.ProducedAt < _maxAge
        && (entry.SignerHolder is not Responder responder || ReferenceEquals(responder.Signer, entry.Signer));

    /// <summary>Reissues a responder certificate when a third of its validity remains (called periodically).</summary>
    public void RenewSignerIfDue()
    {
        foreach (var ca in _ca.Generations)
        {
            var responder = For(ca);
            lock (_renewal)
            {
                if (!responder.Signer.IsDue(ca, _time.GetUtcNow()))
                {
                    continue;
                }

                // The one before last is surely out of use now; the last may still be signing a response.
                responder.Previous?.Dispose();
                responder.Previous = responder.Signer;
                responder.Signer = OcspSigningIdentity.Issue(_material, ca, OcspSigningIdentity.DirectoryFor(_material, ca), _options.OcspSignerValidity, _time);
                LogRenewed(_logger, responder.Signer.Certificate.SerialNumber, responder.Signer.Certificate.NotAfter);
            }
        }
    }

    /// <summary>The first issuing CA whose name and key hashes match the first CertID; else the current one (which answers unknown).</summary>
    private CertificateAuthority FindIssuer(Org.BouncyCastle.Ocsp.OcspReq parsed, IReadOnlyList<CertificateAuthority> generations)
    {
        foreach (var ca in generations)
        {
            if (For(ca).Ocsp.AnswersFirstOf(parsed))
            {
                return ca;
            }
        }

        foreach (var ca in _hierarchies?.FurtherGenerations ?? [])
        {
            if (SelfSigning(ca).AnswersFirstOf(parsed))
            {
                return ca;
            }
        }

        return generations[0];
    }

    /// <summary>The responder of a further hierarchy's CA, which signs its answers itself; one per CA object, as long as it lives.</summary>
    private OcspResponder SelfSigning(CertificateAuthority ca) => _selfSigning.GetValue(ca, c => new OcspResponder(c));

    private Responder For(CertificateAuthority ca) =>
        _responders.GetOrAdd(ca.KeyIdentifierHex, _ =>
        {
            lock (_renewal)
            {
                var signer = OcspSigningIdentity.LoadOrIssue(_material, ca, OcspSigningIdentity.DirectoryFor(_material, ca), _options.OcspSignerValidity, _time);
                return new Responder(new OcspResponder(ca), signer);
            }
        });

    private async Task<OcspCertificateStatus> LookupAsync(CertificateAuthority issuer, string serial, CancellationToken cancellationToken)
    {
        var record = await _store.FindRevocationStatusAsync(serial, cancellationToken);
        if (record is null || record.Issuer != issuer.Certificate.Subject)
        {
            return OcspCertificateStatus.Unknown;
        }

        return record.RevokedAt is { } at ? OcspCertificateStatus.Revoked(at, record.RevocationReason ?? 0) : OcspCertificateStatus.Good;
    }

    public void Dispose()
    {
        foreach (var responder in _responders.Values)
        {
            responder.Previous?.Dispose();
            responder.Signer.Dispose();
        }
    }

    [LoggerMessage(EventId = EstuaryEventId.OcspRefused, Level = LogLevel.Information, Message = "OCSP request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = EstuaryEventId.OcspResponderRenewed, Level = LogLevel.Information, Message = "issued a new OCSP responder certificate, serial {Serial}, valid until {NotAfter:u}")]
    private static partial void LogRenewed(ILogger logger, string serial, DateTime notAfter);

    /// <summary>The responder of one issuing CA and its delegated signer (and the one before, still maybe in use).</summary>
    private sealed class Responder(OcspResponder ocsp, OcspSigningIdentity signer)
    {
        public OcspResponder Ocsp { get; } = ocsp;

        public volatile OcspSigningIdentity Signer = signer;

        public OcspSigningIdentity? Previous;
    }
}
