using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>Manual approval (RFC 7030 §4.2.3): hold, answer 202 + Retry-After, issue once when approved.</summary>
public sealed partial class RegistrationAuthority
{
    // Repeats of one approved request that arrive together share one issuance: one certificate, not two.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<long, Lazy<Task<EstResult<IssuedCertificate>>>> _collections = new();
    private ApprovalQueue? _approvalQueue;

    private ApprovalQueue Approvals => _approvalQueue ??= new ApprovalQueue(_store, _time, _options);

    /// <summary>
    /// The enrollment of a label that requires approval. The client repeats the same request (RFC 7030
    /// §4.2.3): pending → 202 with Retry-After; rejected → 403 with the reason; approved → the certificate,
    /// issued once and returned to every later repeat; expired → a new pending request.
    /// </summary>
    private async Task<EstResult<IssuedCertificate>> HoldOrCollectAsync(
        EstPrincipal who,
        CertificationRequest csr,
        IssuanceInstructions tbs,
        string operation,
        string? replaces,
        EstRequestContext context,
        CancellationToken cancellationToken)
    {
        var key = ApprovalQueue.RequestKey(LabelText(context.Label), who.Id, csr);
        var held = await _store.FindLatestPendingRequestAsync(key, cancellationToken);
        var now = _time.GetUtcNow();
        switch (held?.Status)
        {
            case PendingRequestStatus.Issued:
                return await CollectAsync(held);
            case PendingRequestStatus.Rejected:
                return EstError.Forbidden($"request {held.Id} was rejected: {held.Reason}");
            case PendingRequestStatus.Approved:
                var collection = _collections.GetOrAdd(held.Id, _ => new(() => IssueApprovedAsync(held, who, csr, tbs, operation, replaces, context, CancellationToken.None)));
                try
                {
                    return await collection.Value;
                }
                finally
                {
                    _collections.TryRemove(new(held.Id, collection));
                }

            case PendingRequestStatus.Pending when !Approvals.IsExpired(held):
                return WaitingForApproval(held.Id);
            case PendingRequestStatus.Pending:
                await _store.DecidePendingRequestAsync(held.Id, PendingRequestStatus.Pending, PendingRequestStatus.Expired, "not decided in time", "system", now,
                    new AuditEvent(now, "request.expired", "system", $"request {held.Id} for '{held.Subject}' expired undecided"), cancellationToken);
                break;
        }

        var subject = new System.Security.Cryptography.X509Certificates.X500DistinguishedName(csr.Subject.Span).Name;
        var request = new PendingRequest
        {
            RequestKey = key,
            Label = context.Label,
            Requester = who.Id,
            Operation = operation,
            Replaces = replaces,
            Csr = csr.Encoded,
            Subject = subject,
            CreatedAt = now,
            Status = PendingRequestStatus.Pending,
        };
        var id = await _store.InsertPendingRequestAsync(request, new AuditEvent(now, "request.pending", who.Id, $"{operation} '{subject}' label '{LabelText(context.Label)}' from {context.RemoteAddress} waits for approval"), cancellationToken);
        LogHeld(_logger, operation, id, subject, who.Id);
        return WaitingForApproval(id);
    }

    private EstError WaitingForApproval(long id) =>
        new(EstErrorKind.Pending, $"request {id} is waiting for approval", TimeSpan.FromSeconds(_options.ApprovalRetryAfterSeconds));

    private async Task<EstResult<IssuedCertificate>> IssueApprovedAsync(
        PendingRequest held,
        EstPrincipal who,
        CertificationRequest csr,
        IssuanceInstructions tbs,
        string operation,
        string? replaces,
        EstRequestContext context,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var issued = _ca.Issue(tbs);
            var record = ToRecord(issued, csr, who, context.Label, operation, replaces, now);
            var audit = new AuditEvent(now, "certificate.issued", who.Id, $"{operation} serial {issued.SerialHex} subject '{record.Subject}' label '{LabelText(context.Label)}' approved request {held.Id}, from {context.RemoteAddress}");
            try
            {
                if (await _store.CompletePendingRequestAsync(held.Id, record, audit, cancellationToken))
                {
                    LogIssued(_logger, operation, issued.SerialHex, record.Subject, who.Id);
                    return EstResult<IssuedCertificate>.Ok(issued);
                }

                // Issued meanwhile (by another node): hand out that one.
                var current = await _store.FindPendingRequestAsync(held.Id, cancellationToken);
                return current is { Status: PendingRequestStatus.Issued }
                    ? await CollectAsync(current)
                    : EstError.Forbidden($"request {held.Id} is {current?.Status ?? "gone"}");
            }
            catch (DuplicateSerialException) when (attempt < 3)
            {
            }
        }
    }

    private async Task<EstResult<IssuedCertificate>> CollectAsync(PendingRequest issuedRequest)
    {
        var record = await _store.FindCertificateAsync(issuedRequest.IssuedSerial!, CancellationToken.None);
        return record is null
            ? new EstError(EstErrorKind.Unavailable, $"the certificate of request {issuedRequest.Id} cannot be read now", TimeSpan.FromSeconds(_options.ApprovalRetryAfterSeconds))
            : EstResult<IssuedCertificate>.Ok(new IssuedCertificate(record.Der, record.Serial, record.NotBefore, record.NotAfter));
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "{Operation}: request {Id} for '{Subject}' of {Principal} waits for approval")]
    private static partial void LogHeld(ILogger logger, string operation, long id, string subject, string principal);
}
