using System.Diagnostics;
using Estuary.Ra;
using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// Times every EST request and counts enrollments by outcome. It runs outside the error middleware, so
/// it sees the status the client got. Label values are bounded: an unknown CA label counts as "unknown",
/// an unknown operation as "other", so a client cannot grow the metric set.
/// </summary>
public sealed class EstMetricsMiddleware(RequestDelegate next, EstMetrics metrics, LabelRegistry labels)
{
    private static readonly string[] Operations = ["cacerts", "csrattrs", "simpleenroll", "simplereenroll", "serverkeygen", "fullcmc"];

    public async Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "";
        if (!path.StartsWith(EstEndpoints.BasePath, StringComparison.Ordinal))
        {
            await next(context);
            return;
        }

        var started = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await next(context);
            failed = false;
        }
        finally
        {
            var (operation, label) = Classify(path.AsSpan(EstEndpoints.BasePath.Length));
            metrics.ObserveRequest(operation, Stopwatch.GetElapsedTime(started).TotalSeconds);
            if (operation is "simpleenroll" or "simplereenroll" or "serverkeygen" or "fullcmc")
            {
                metrics.CountEnrollment(operation, label, failed ? "error" : Outcome(context.Response.StatusCode, context.Request.Headers.Authorization.Count > 0));
            }
        }
    }

    /// <summary>
    /// A 401 to a request without an Authorization header is the challenge of RFC 7030 §3.2.3 / RFC 7617 §2 that
    /// clients such as Bouncy Castle wait for before they send their password: a step of a normal enrollment, not a
    /// refusal. A 401 to credentials that were sent, and every 403, is a denial.
    /// </summary>
    private static string Outcome(int status, bool sentCredentials) => status switch
    {
        200 => "issued",
        202 => "pending",
        401 when !sentCredentials => "challenge",
        401 or 403 => "denied",
        503 => "unavailable",
        >= 400 and < 500 => "rejected",
        _ => "error",
    };

    /// <summary>"/simpleenroll" or "/LABEL/simpleenroll" → (operation, label), bounded to known values.</summary>
    private (string Operation, string Label) Classify(ReadOnlySpan<char> rest)
    {
        rest = rest.Trim('/');
        var slash = rest.IndexOf('/');
        var operationText = slash < 0 ? rest : rest[(slash + 1)..];
        var labelText = slash < 0 ? RaOptions.DefaultLabel : rest[..slash].ToString();
        var operation = "other";
        foreach (var known in Operations)
        {
            if (operationText.SequenceEqual(known))
            {
                operation = known;
                break;
            }
        }

        return (operation, labels.Find(labelText) is null ? "unknown" : labelText);
    }
}
