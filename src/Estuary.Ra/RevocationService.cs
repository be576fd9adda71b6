using System.Globalization;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// The one place that decides a revocation (RFC 5280 §5.3.1): the CLI, the admin API and fullcmc call
/// it. The record and its audit event are written in one transaction; the CRL is then re-signed.
/// Revocation is final here: certificateHold (which can be undone) is not offered.
/// </summary>
public sealed partial class RevocationService
{
    private readonly IEstuaryStore _store;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly CrlPublisher? _publisher;
    private readonly CertificateAuthority? _ca;

    private readonly IssuerHierarchies? _hierarchies;

    public RevocationService(IEstuaryStore store, TimeProvider time, ILogger<RevocationService> logger, CrlPublisher? publisher = null, CertificateAuthority? ca = null, IssuerHierarchies? hierarchies = null)
    {
        _hierarchies = hierarchies;
        _ca = ca;
        _store = store;
        _time = time;
        _logger = logger;
        _publisher = publisher;
    }

    /// <summary>Revokes the certificate with <paramref name="serial"/> (hex, colons and spaces ignored) for <paramref name="reason"/>.</summary>
    /// <param name="actor">Who asks, for the audit log ("cli:root", "admin:alice", "cert:SERIAL").</param>
    public async Task<EstResult<RevocationOutcome>> RevokeAsync(string serial, X509RevocationReason reason, string actor, CancellationToken cancellationToken)
    {
        var normalized = NormalizeSerial(serial);
        if (normalized is null)
        {
            return EstError.BadRequest($"'{serial}' is not a certificate serial number (hexadecimal, at most 20 octets)");
        }

        if (reason is X509RevocationReason.CertificateHold or X509RevocationReason.RemoveFromCrl || !Enum.IsDefined(reason))
        {
            return EstError.BadRequest($"revocation reason {reason} is not accepted (use one of {string.Join(", ", RevocationReasons.Names)})");
        }

        var record = await _store.FindCertificateAsync(normalized, cancellationToken);
        if (record is null)
        {
            return EstError.NotFound($"no certificate with serial {normalized} was issued here");
        }

        if (record.RevokedAt is not null)
        {
            return EstResult<RevocationOutcome>.Ok(new RevocationOutcome(record, AlreadyRevoked: true));
        }

        // A certificate an upstream EST adapter obtained is recorded here but signed by the upstream CA: only
        // that CA can publish its revocation (RFC 5280 §5: a CRL lists certificates of its own issuer).
        if (_ca is not null && !IssuedHere(X509CertificateLoader.LoadCertificate(record.Der)))
        {
            return EstError.BadRequest($"serial {normalized} was issued by '{record.Issuer}' (through an upstream EST adapter), not by this server's CA: revoke it at that CA");
        }

        var now = _time.GetUtcNow();
        var reasonName = RevocationReasons.Name((int)reason);
        var audit = new AuditEvent(now, "certificate.revoked", actor, $"serial {normalized} subject '{record.Subject}' reason {reasonName}");
        if (!await _store.RevokeAsync(normalized, now, (int)reason, audit, cancellationToken))
        {
            // Revoked concurrently by someone else: report what is stored now.
            var current = await _store.FindCertificateAsync(normalized, cancellationToken);
            return EstResult<RevocationOutcome>.Ok(new RevocationOutcome(current ?? record, AlreadyRevoked: true));
        }

        LogRevoked(_logger, normalized, record.Subject, reasonName, actor);
        if (_publisher is not null)
        {
            await _publisher.RefreshAsync(cancellationToken);
        }

        var revoked = record with { RevokedAt = DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds()), RevocationReason = (int)reason };
        return EstResult<RevocationOutcome>.Ok(new RevocationOutcome(revoked, AlreadyRevoked: false));
    }

    /// <summary>Upper-case hex without separators, as storage keys serials; null when not a serial.</summary>
    public static string? NormalizeSerial(string serial)
    {
        var hex = serial.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length is 0 or > 40 || !hex.All(char.IsAsciiHexDigit))
        {
            return null;
        }

        return hex.ToUpper(CultureInfo.InvariantCulture);
    }

    [LoggerMessage(EventId = EstuaryEventId.CertificateRevoked, Level = LogLevel.Warning, Message = "revoked serial {Serial} ('{Subject}') for {Reason} at the request of {Actor}")]
    private static partial void LogRevoked(ILogger logger, string serial, string subject, string reason, string actor);

    /// <summary>Signed by the main CA or by a further hierarchy's (e.g. ML-DSA): each publishes its own CRL and OCSP.</summary>
    private bool IssuedHere(X509Certificate2 certificate) =>
        _ca!.IssuedThis(certificate) || _hierarchies?.Further.Any(ca => ca.IssuedThis(certificate)) == true;
}
