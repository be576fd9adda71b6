using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// OCSP (RFC 6960) for the issuing CA: the status of each serial comes straight from storage, so a
/// revocation (here, by the CLI or by another node) is answered at once. Keeps the delegated responder
/// certificate fresh.
/// </summary>
public sealed partial class OcspService : IDisposable
{
    private readonly CertificateAuthority _ca;
    private readonly CaMaterial _material;
    private readonly IEstuaryStore _store;
    private readonly RevocationOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly OcspResponder _responder;
    private readonly Lock _renewal = new();
    private volatile OcspSigningIdentity _signer;
    private OcspSigningIdentity? _previous;

    public OcspService(CertificateAuthority ca, CaMaterial material, IEstuaryStore store, RevocationOptions options, TimeProvider time, ILogger<OcspService> logger)
    {
        _ca = ca;
        _material = material;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
        _responder = new OcspResponder(ca);
        _signer = OcspSigningIdentity.LoadOrIssue(material, ca, options.OcspSignerValidity, time);
    }

    /// <summary>The responder certificate in use.</summary>
    public OcspSigningIdentity Signer => _signer;

    /// <summary>The DER OCSPResponse for a DER OCSPRequest; malformed requests get malformedRequest.</summary>
    public async Task<OcspAnswer> RespondAsync(ReadOnlyMemory<byte> request, CancellationToken cancellationToken)
    {
        var answer = await _responder.RespondAsync(request, LookupAsync, _signer, _time.GetUtcNow(), _options.OcspValidity, cancellationToken);
        if (answer.Reason is { } reason)
        {
            LogRefused(_logger, reason);
        }

        return answer;
    }

    /// <summary>Reissues the responder certificate when a third of its validity remains (called periodically).</summary>
    public void RenewSignerIfDue()
    {
        lock (_renewal)
        {
            if (!_signer.IsDue(_ca, _time.GetUtcNow()))
            {
                return;
            }

            // The one before last is surely out of use now; the last may still be signing a response.
            _previous?.Dispose();
            _previous = _signer;
            _signer = OcspSigningIdentity.Issue(_material, _ca, _options.OcspSignerValidity, _time);
            LogRenewed(_logger, _signer.Certificate.SerialNumber, _signer.Certificate.NotAfter);
        }
    }

    private async Task<OcspCertificateStatus> LookupAsync(string serial, CancellationToken cancellationToken)
    {
        var record = await _store.FindCertificateAsync(serial, cancellationToken);
        if (record is null || record.Issuer != _ca.Certificate.Subject)
        {
            return OcspCertificateStatus.Unknown;
        }

        return record.RevokedAt is { } at ? OcspCertificateStatus.Revoked(at, record.RevocationReason ?? 0) : OcspCertificateStatus.Good;
    }

    public void Dispose()
    {
        _previous?.Dispose();
        _signer.Dispose();
    }

    [LoggerMessage(EventId = 1111, Level = LogLevel.Information, Message = "OCSP request refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string reason);

    [LoggerMessage(EventId = 1112, Level = LogLevel.Information, Message = "issued a new OCSP responder certificate, serial {Serial}, valid until {NotAfter:u}")]
    private static partial void LogRenewed(ILogger logger, string serial, DateTime notAfter);
}
