using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// The back half of the one door: policy → issuer → record, for every operation that issues from a client's key
/// (simpleenroll, simplereenroll, fullcmc). /serverkeygen joins it at <see cref="RecordAsync"/>.
/// </summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>Policy (proof-of-possession linking, the profile's and template's rules on the CSR), then the issuer.</summary>
    private async Task<EstResult<IssuedCertificate>> IssueAsync(Admission admission, CertificationRequest csr, string? replaces, EstRequestContext context, CancellationToken cancellationToken)
    {
        var profile = admission.Profile;
        if (profile.ServerKeyAlgorithm.Family == KeyFamily.MlKem)
        {
            // RFC 9935: an ML-KEM key cannot sign, so it never proves possession in a CSR of its own.
            return await RefuseAsync(admission, context, RefusedPolicy,
                EstError.BadRequest($"label '{LabelText(context.Label)}' issues {profile.ServerKeyAlgorithm.Name} keys, which cannot sign a CSR (RFC 9935): ML-KEM keys come from /serverkeygen"), cancellationToken);
        }

        if (CheckProofOfPossessionLinking(profile, csr, context) is { } linkError)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, linkError, cancellationToken);
        }

        // The CSR's names are decoded once here; policy and the record both read this one decoding.
        var decoded = CsrPolicy.Decode(csr);
        if (decoded.Value is not { } requested)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, decoded.Error!, cancellationToken);
        }

        var instructions = CsrPolicy.Apply(profile, requested, _time.GetUtcNow(), _options.BackdateBy);
        if (instructions.Value is not { } tbs)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, instructions.Error!, cancellationToken);
        }

        if (UpstreamAdapterOf(profile) is { } adapter)
        {
            return await ForwardAsync(adapter, admission, requested, replaces, context, cancellationToken);
        }

        if (profile.RequireApproval)
        {
            return await HoldOrCollectAsync(admission, csr, replaces, context, cancellationToken);
        }

        return await RecordAsync(tbs, requested, admission, replaces, context, approvedRequest: null, cancellationToken);
    }

    /// <summary>
    /// The only code that signs through the CA: signs once and commits the certificate record (with its audit event,
    /// and for an approved request the request's completion) before anything is returned. A serial collision
    /// (2^-126 per pair) is answered by signing again, never by a 500.
    /// </summary>
    private async Task<EstResult<IssuedCertificate>> RecordAsync(
        IssuanceInstructions tbs,
        RequestedCertificate requested,
        Admission admission,
        string? replaces,
        EstRequestContext context,
        long? approvedRequest,
        CancellationToken cancellationToken,
        string? auditNote = null)
    {
        var who = admission.Principal;
        if (CaOf(admission.Profile) is not { } ca)
        {
            return HierarchyMissing(admission.Profile);
        }

        for (var attempt = 0; ; attempt++)
        {
            var now = _time.GetUtcNow();
            var issued = ca.Issue(tbs);
            var record = ToRecord(issued.SerialHex, issued.Issuer ?? ca.Certificate.Subject, issued, requested, who, context.Label, admission.OperationName, replaces, now);
            var approval = approvedRequest is { } id ? $" approved request {id}," : "";
            var audit = new AuditEvent(now, "certificate.issued", who.Id, $"{admission.OperationName} serial {issued.SerialHex} subject '{record.Subject}' label '{LabelText(context.Label)}'{approval}{(auditNote is null ? "" : ", " + auditNote)} from {context.RemoteAddress}");
            try
            {
                if (approvedRequest is not { } requestId)
                {
                    await _store.InsertCertificateAsync(record, audit, cancellationToken);
                }
                else if (!await _store.CompletePendingRequestAsync(requestId, record, audit, cancellationToken))
                {
                    // Issued meanwhile (by another node): hand out that one.
                    var current = await _store.FindPendingRequestAsync(requestId, cancellationToken);
                    return current is { Status: PendingRequestStatus.Issued }
                        ? await CollectAsync(current)
                        : EstError.Forbidden($"request {requestId} is {current?.Status ?? "gone"}");
                }

                LogIssued(_logger, admission.OperationName, issued.SerialHex, record.Subject, who.Id);
                return EstResult<IssuedCertificate>.Ok(issued);
            }
            catch (DuplicateSerialException) when (attempt < 3)
            {
            }
        }
    }

    /// <summary>The durable record of a certificate: what was asked, by whom (and the account that owns it), on which label.</summary>
    private static CertificateRecord ToRecord(string serial, string issuer, IssuedCertificate issued, RequestedCertificate requested, EstPrincipal who, string label, string operation, string? replaces, DateTimeOffset now) =>
        new()
        {
            Serial = serial,
            Subject = new X500DistinguishedName(requested.Subject.Span).Name,
            SubjectAltNames = string.Join('\n', requested.SubjectAltNames),
            Issuer = issuer,
            NotBefore = issued.NotBefore,
            NotAfter = issued.NotAfter,
            RequestedBy = who.Id,
            Account = who.Account,
            Label = label,
            Operation = operation,
            Replaces = replaces,
            Der = issued.Der,
            IssuedAt = now,
        };

    [LoggerMessage(EventId = EstuaryEventId.Issued, Level = LogLevel.Information, Message = "{Operation}: issued serial {Serial} for '{Subject}' to {Principal}")]
    private static partial void LogIssued(ILogger logger, string operation, string serial, string subject, string principal);
}
