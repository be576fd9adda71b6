using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>
/// The approval queue (RFC 7030 §4.2.3): enrollments held by a label or template that requires approval.
/// Approve lets the client's next repeat collect the certificate; Reject asks first and needs a reason, which
/// the client is shown with its 403. The decision is the RA's <see cref="ApprovalQueue"/>, audited there.
/// Every POST redirects (post/redirect/get).
/// </summary>
public sealed class ApprovalsModel(ApprovalQueue queue) : PageModel
{
    public IReadOnlyList<PendingRequest> Pending { get; private set; } = [];

    public IReadOnlyList<PendingRequest> Decided { get; private set; } = [];

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

    public bool IsExpired(PendingRequest request) => queue.IsExpired(request);

    /// <summary>The SANs and key type of the stored request: what approving it will issue.</summary>
    public static HeldRequestDetails Details(PendingRequest request) => HeldRequestDetails.Of(request);

    public async Task OnGetAsync(string? confirm, long? id)
    {
        Flash = ConsoleFlash.Take(TempData);
        Pending = await queue.ListAsync(PendingRequestStatus.Pending, 500, HttpContext.RequestAborted);
        Decided = (await queue.ListAsync(null, 100, HttpContext.RequestAborted)).Where(r => r.Status != PendingRequestStatus.Pending).Take(25).ToList();
        if (confirm == "reject" && id is { } requestId)
        {
            if (await queue.FindAsync(requestId, HttpContext.RequestAborted) is { Status: PendingRequestStatus.Pending } request)
            {
                var names = Details(request).SubjectAltNames;
                Confirmation = new Confirmation(
                    $"Reject request {request.Id} for '{request.Subject}'{(names.Count > 0 ? " (" + string.Join(", ", names) + ")" : "")} from {request.Requester}?",
                    "Its repeats get 403 with your reason; the client has to make a new request. This cannot be undone.",
                    "reject",
                    "Reject request",
                    Request.Path)
                {
                    Fields = new Dictionary<string, string> { ["id"] = request.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) },
                    Input = new ConfirmationInput("reason", "Reason (shown to the client)", Required: true, MaxLength: 200),
                };
            }
            else
            {
                Flash = ConsoleFlash.Failed($"request {requestId} is not waiting for a decision");
            }
        }
    }

    public async Task<IActionResult> OnPostApproveAsync(long id) =>
        Done(await queue.ApproveAsync(id, AdminActor.Of(User), HttpContext.RequestAborted), "approved: the client's next repeat gets the certificate");

    public async Task<IActionResult> OnPostRejectAsync(long id, string? reason) =>
        Done(await queue.RejectAsync(id, AdminActor.Of(User), reason ?? "", HttpContext.RequestAborted), "rejected");

    private SeeOtherResult Done(EstResult<PendingRequest> result, string what)
    {
        (result.Error is { } error ? ConsoleFlash.Failed(error.Message) : ConsoleFlash.Done($"Request {result.Value!.Id} for '{result.Value.Subject}' {what}.")).Store(TempData);
        return new SeeOtherResult(Request.Path);
    }
}
