using Estuary.Storage;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Estuary.Admin;

/// <summary>
/// Enforces the administrator's role on every console page handler: the permission comes from
/// <see cref="ConsolePermissions"/>, the decision from <see cref="AdminAuthorization.Allows"/>, the role from
/// storage for this request (<see cref="AdminAccess"/>). A hidden button is only a courtesy; a forced POST
/// gets 403 here. Runs after sign-in and antiforgery checks, before the handler.
/// </summary>
internal sealed class ConsoleAuthorizationFilter : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var page = context.ActionDescriptor.ModelTypeInfo?.AsType() ?? context.ActionDescriptor.HandlerTypeInfo.AsType();
        if (ConsolePermissions.IsPublic(page))
        {
            return next();
        }

        var http = context.HttpContext;
        var handler = context.HandlerMethod?.Name;
        var required = ConsolePermissions.Required(page, http.Request.Method, handler);
        var role = AdminAccess.RoleOf(http);
        if (required is { } permission && role is { } r && AdminAuthorization.Allows(r, permission))
        {
            return next();
        }

        var reason = (required, role) switch
        {
            (null, _) => $"{http.Request.Method} {http.Request.Path} is not open to any role",
            (_, null) => "sign in first",
            ({ } p, { } who) => $"the role '{AdminRoles.Name(who)}' may not do this ({p}); ask an administrator",
        };
        context.Result = new ContentResult { StatusCode = StatusCodes.Status403Forbidden, ContentType = "text/plain; charset=utf-8", Content = reason };
        return Task.CompletedTask;
    }
}
