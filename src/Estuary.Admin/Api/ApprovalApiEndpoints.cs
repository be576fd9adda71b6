using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Estuary.Admin;

/// <summary>
/// The approval queue of RFC 7030 §4.2.3 under /api/v1/approvals: list held enrollments, approve one (the
/// client's next repeat gets the certificate) or reject it with a reason (its repeats get 403 with that
/// reason). Same authorization as the rest of the API; deciding needs a role that may approve. The decision itself is
/// the RA's <see cref="ApprovalQueue"/>, shared with `estuary approvals`.
/// </summary>
public static class ApprovalApiEndpoints
{
    private const string Text = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapEstuaryApprovalApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiEndpoints.BasePath).AddEndpointFilter<ApiAuthorizationFilter>().WithTags("Estuary");

        api.MapGet("/approvals", ListAsync)
            .WithName("ListApprovals").WithSummary("Held enrollments, newest first (?status=pending|approved|rejected|issued|expired; default pending)");
        api.MapPost("/approvals/{id:long}/approve", ApproveAsync)
            .WithName("ApproveRequest").WithSummary("Approve a held enrollment; the client's next repeat gets the certificate");
        api.MapPost("/approvals/{id:long}/reject", RejectAsync).Accepts<RejectRequest>("application/json")
            .WithName("RejectRequest").WithSummary("Reject a held enrollment with a reason the client is shown (403)");
        return app;
    }

    private static string Actor(HttpContext c) => c.Items[AdminActor.ApiKeyItem] as string ?? "api";

    private static async Task<IResult> ListAsync(HttpContext context, ApprovalQueue queue, string? status)
    {
        status = string.IsNullOrWhiteSpace(status) ? PendingRequestStatus.Pending : status.Trim().ToLowerInvariant();
        if (status != "all" && !ApprovalSummary.Statuses.Contains(status))
        {
            return Results.Text($"status must be one of {string.Join(", ", ApprovalSummary.Statuses)} or all", Text, statusCode: StatusCodes.Status400BadRequest);
        }

        var held = await queue.ListAsync(status == "all" ? null : status, 500, context.RequestAborted);
        return Results.Ok(held.Select(r => ApprovalSummary.From(r, queue.IsExpired(r))));
    }

    private static async Task<IResult> ApproveAsync(long id, HttpContext context, ApprovalQueue queue) =>
        Answer(await queue.ApproveAsync(id, Actor(context), context.RequestAborted), queue);

    private static async Task<IResult> RejectAsync(long id, HttpContext context, ApprovalQueue queue)
    {
        var (request, problem) = await ManagementApiEndpoints.ReadJsonAsync<RejectRequest>(context);
        if (request is null)
        {
            return Results.Text(problem, Text, statusCode: StatusCodes.Status400BadRequest);
        }

        return Answer(await queue.RejectAsync(id, Actor(context), request.Reason ?? "", context.RequestAborted), queue);
    }

    private static IResult Answer(EstResult<PendingRequest> result, ApprovalQueue queue) => result.Error is { } error
        ? Results.Text(error.Message, Text, statusCode: error.Kind switch
        {
            EstErrorKind.NotFound => StatusCodes.Status404NotFound,
            EstErrorKind.BadRequest => StatusCodes.Status400BadRequest,
            _ => StatusCodes.Status409Conflict, // already decided, or expired undecided
        })
        : Results.Ok(ApprovalSummary.From(result.Value!, queue.IsExpired(result.Value!)));
}
