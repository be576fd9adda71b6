using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Estuary.Admin.Pages;

/// <summary>
/// The end of every console POST: 303 See Other (RFC 9110 §15.4.4) makes the browser GET the page, so a reload
/// repeats the GET, never the action. Only paths of this server are used (built from the request's own path).
/// </summary>
public sealed class SeeOtherResult(string path) : IActionResult
{
    public string Path { get; } = path.StartsWith('/') && !path.StartsWith("//", StringComparison.Ordinal) ? path : "/admin/";

    public Task ExecuteResultAsync(ActionContext context)
    {
        context.HttpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
        context.HttpContext.Response.Headers.Location = Path;
        return Task.CompletedTask;
    }
}
