using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>Body of POST /api/v1/approvals/{id}/reject: the reason the client is shown.</summary>
public sealed record RejectRequest(string? Reason);

/// <summary>A held enrollment as the API shows it (never the CSR bytes).</summary>
public sealed record ApprovalSummary(
    long Id,
    string Label,
    string Requester,
    string Operation,
    string Subject,
    DateTimeOffset CreatedAt,
    string Status,
    bool Expired,
    string? Reason,
    string? IssuedSerial,
    string? DecidedBy,
    DateTimeOffset? DecidedAt,
    IReadOnlyList<string> SubjectAltNames,
    string KeyType)
{
    public static IReadOnlyList<string> Statuses { get; } =
        [PendingRequestStatus.Pending, PendingRequestStatus.Approved, PendingRequestStatus.Rejected, PendingRequestStatus.Issued, PendingRequestStatus.Expired];

    public static ApprovalSummary From(PendingRequest r, bool expired)
    {
        var details = Estuary.Ra.HeldRequestDetails.Of(r);
        return new(r.Id, string.IsNullOrEmpty(r.Label) ? "(default)" : r.Label, r.Requester, r.Operation, r.Subject, r.CreatedAt, r.Status, expired, r.Reason, r.IssuedSerial, r.DecidedBy, r.DecidedAt,
            details.SubjectAltNames, details.KeyType);
    }
}
