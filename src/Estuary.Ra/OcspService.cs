using System.Collections.Concurrent;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// OCSP (RFC 6960) for the issuing CA and those a renewal replaced: the request's CertID (issuerNameHash,
/// issuerKeyHash) picks the CA, whose own delegated responder signs the answer. The status of each serial comes
/// straight from storage, so a revocation (here, by the CLI or by another node) is answered at once. Keeps each
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
    private readonly Lock _renewal = new();

    private readonly IssuerHierarchies? _hierarchies;

    public OcspService(CertificateAuthority ca, CaMaterial material, IEstuaryStore store, RevocationOptions options, TimeProvider time, ILogger<OcspService> logger, IssuerHierarchies? hierarchies = null)
    {
        _hierarchies = hierarchies;
        _ca = ca;
        _material = material;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _ = For(ca.Current);
    }

    /// <summary>The responder certificate of the current issuing CA.</summary>
    public OcspSigningIdentity Signer => For(_ca.Current).Signer;

    /// <summary>The responder certificate of the issuing CA with this key identifier (hex), or null when it is not one of ours.</summary>
    public OcspSigningIdentity? SignerFor(string keyIdentifierHex) =>
        _ca.Generations.FirstOrDefault(c => c.KeyIdentifierHex == keyIdentifierHex) is { } ca ? For(ca).Signer : null;

    /// <summary>The DER OCSPResponse for a DER OCSPRequest; malformed requests get malformedRequest.</summary>
    public async Task<OcspAnswer> RespondAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var generations = _ca.Generations;
        IReadOnlyList<CertificateAuthority> candidates = _hierarchies is null ? generations : [.. generations, .. _hierarchies.FurtherGenerations];
        var issuer = OcspResponder.MatchIssuer(request, candidates) ?? generations[0];
        OcspAnswer answer;
        if (!generations.Contains(issuer))
        {
            // A further hierarchy (e.g. ML-DSA): its issuing CA signs the answer itself (RFC 6960 §4.2.2.2, the CA
            // as responder), so the response is signed with the hierarchy's algorithm and needs no delegated key.
            answer = await new OcspResponder(issuer).RespondAsync(request, (serial, ct) => LookupAsync(issuer, serial, ct), signer: null, _time.GetUtcNow(), _options.OcspValidity, cancellationToken);
        }
        else
        {
            var responder = For(issuer);
            answer = await responder.Ocsp.RespondAsync(request, (serial, ct) => LookupAsync(issuer, serial, ct), responder.Signer, _time.GetUtcNow(), _options.OcspValidity, cancellationToken);
        }

        if (answer.Reason is { } reason)
        {
            LogRefused(_logger, reason);
        }

        return answer;
    }

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
        var record = await _store.FindCertificateAsync(serial, cancellationToken);
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
