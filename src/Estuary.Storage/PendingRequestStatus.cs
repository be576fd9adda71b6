namespace Estuary.Storage;

/// <summary>The life of a <see cref="PendingRequest"/>: pending → approved → issued, or pending → rejected / expired.</summary>
public static class PendingRequestStatus
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Rejected = "rejected";
    public const string Issued = "issued";
    public const string Expired = "expired";
}
