using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Manual approval (RFC 7030 §4.2.3), the issuer decorator in front of the built-in CA: hold the whole request,
/// answer 202 + Retry-After, and once approved issue exactly the request that was approved.
/// </summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>
    /// The enrollment of a label that requires approval. The client repeats the same request (RFC 7030 §4.2.3); a
    /// repeat is the same request when its whole certificationRequestInfo is (subject, key, every attribute and
    /// requested extension — see <see cref="ApprovalQueue.RequestKey"/>): pending → 202 with Retry-After; rejected →
    /// 403 with the reason; approved → the certificate, issued once from the stored request and returned to every
    /// later repeat; expired → a new pending request. Anything else a requester sends is a new request.
    /// </summary>
    private async Task<EstResult<IssuedCertificate>> HoldOrCollectAsync(Admission admission, CertificationRequest csr, string? replaces, EstRequestContext context, CancellationToken cancellationToken)
    {
        var who = admission.Principal;
        string key;
        try
        {
            key = ApprovalQueue.RequestKey(LabelText(context.Label), who.Id, csr);
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }

        var held = await _store.FindLatestPendingRequestAsync(key, cancellationToken);
        var now = _time.GetUtcNow();
        switch (held?.Status)
        {
            case PendingRequestStatus.Issued:
                return await CollectAsync(held);
            case PendingRequestStatus.Rejected:
                return EstError.Forbidden($"request {held.Id} was rejected: {held.Reason}");
            case PendingRequestStatus.Approved:
                var collection = _collections.GetOrAdd(held.Id, _ => new(() => IssueApprovedAsync(held, admission, context, CancellationToken.None)));
                try
                {
                    return await collection.Value;
                }
                finally
                {
                    _collections.TryRemove(new(held.Id, collection));
                }

            case PendingRequestStatus.Pending when !_approvals.IsExpired(held):
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
            Operation = admission.OperationName,
            Replaces = replaces,
            Csr = csr.Encoded,
            Subject = subject,
            CreatedAt = now,
            Status = PendingRequestStatus.Pending,
        };
        var id = await _store.InsertPendingRequestAsync(request, new AuditEvent(now, "request.pending", who.Id, $"{admission.OperationName} '{subject}' label '{LabelText(context.Label)}' from {context.RemoteAddress} waits for approval"), cancellationToken);
        LogHeld(_logger, admission.OperationName, id, subject, who.Id);
        return WaitingForApproval(id);
    }

    private EstError WaitingForApproval(long id) =>
        new(EstErrorKind.Pending, $"request {id} is waiting for approval", TimeSpan.FromSeconds(_options.ApprovalRetryAfterSeconds));

    /// <summary>
    /// Issues the request as it was stored and approved — not the repeat that arrived now — under the label's current
    /// policy, and completes the request in the same commit as the certificate record.
    /// </summary>
    private async Task<EstResult<IssuedCertificate>> IssueApprovedAsync(PendingRequest held, Admission admission, EstRequestContext context, CancellationToken cancellationToken)
    {
        CertificationRequest approved;
        try
        {
            approved = CertificationRequest.Decode(held.Csr);
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest($"request {held.Id} can no longer be read: {e.Message}");
        }

        var decoded = CsrPolicy.Decode(approved);
        var instructions = decoded.Value is { } requested ? CsrPolicy.Apply(admission.Profile, requested, _time.GetUtcNow(), _options.BackdateBy) : decoded.Error!;
        if (instructions.Value is not { } tbs)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, instructions.Error!, cancellationToken);
        }

        return await RecordAsync(tbs, decoded.Value!, admission, held.Replaces, context, held.Id, cancellationToken);
    }

    private async Task<EstResult<IssuedCertificate>> CollectAsync(PendingRequest issuedRequest)
    {
        var record = await _store.FindCertificateAsync(issuedRequest.IssuedSerial!, CancellationToken.None);
        return record is null
            ? new EstError(EstErrorKind.Unavailable, $"the certificate of request {issuedRequest.Id} cannot be read now", TimeSpan.FromSeconds(_options.ApprovalRetryAfterSeconds))
            : EstResult<IssuedCertificate>.Ok(new IssuedCertificate(record.Der, record.Serial, record.NotBefore, record.NotAfter));
    }

    [LoggerMessage(EventId = EstuaryEventId.RequestHeld, Level = LogLevel.Information, Message = "{Operation}: request {Id} for '{Subject}' of {Principal} waits for approval")]
    private static partial void LogHeld(ILogger logger, string operation, long id, string subject, string principal);
}
