using System.Text.Json;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Estuary.Admin;

/// <summary>
/// More of the REST API under /api/v1, with the same authorization (<see cref="ApiAuthorizationFilter"/>:
/// an API key or an administrator's client certificate, and the caller's role): revoking a certificate and
/// managing console administrators.
/// </summary>
public static class ManagementApiEndpoints
{
    private const string Text = "text/plain; charset=utf-8";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapEstuaryManagementApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(ApiEndpoints.BasePath).AddEndpointFilter<ApiAuthorizationFilter>().WithTags("Estuary");

        api.MapPost("/certificates/{serial}/revoke", RevokeAsync)
            .Accepts<RevokeRequest>("application/json").WithName("RevokeCertificate")
            .WithSummary("Revoke a certificate (RFC 5280 §5.3.1 reason; final); the CRL is re-signed and OCSP answers revoked");

        api.MapGet("/admins", async (AdminUserService admins, CancellationToken ct) => (await admins.ListAsync(ct)).Select(AdminSummary.From))
            .WithName("ListAdmins").WithSummary("Console administrators (never their password hashes)");
        api.MapPost("/admins", CreateAdminAsync).Accepts<CreateAdminRequest>("application/json").WithName("CreateAdmin")
            .WithSummary("Create an administrator with a chosen password (strength-checked) or a generated one, shown once");
        api.MapPatch("/admins/{username}", UpdateAdminAsync).Accepts<UpdateAdminRequest>("application/json").WithName("UpdateAdmin")
            .WithSummary("Enable or disable an administrator, or give it a role (never leaving no enabled administrator with the role administrator)");
        api.MapPost("/admins/{username}/password", SetAdminPasswordAsync).Accepts<SetAdminPasswordRequest>("application/json").WithName("SetAdminPassword")
            .WithSummary("Give an administrator a new password (chosen or generated) and lift a lockout");
        return app;
    }

    private static string Actor(HttpContext c) => c.Items[AdminActor.ApiKeyItem] as string ?? "api";

    private static async Task<IResult> RevokeAsync(string serial, HttpContext context, RevocationService revocation, TimeProvider time)
    {
        var reasonName = "unspecified";
        if (context.Request.ContentLength is not 0 && context.Request.HasJsonContentType())
        {
            var (request, problem) = await ReadJsonAsync<RevokeRequest>(context);
            if (request is null)
            {
                return Results.Text(problem, Text, statusCode: StatusCodes.Status400BadRequest);
            }

            reasonName = string.IsNullOrWhiteSpace(request.Reason) ? reasonName : request.Reason;
        }

        if (!RevocationReasons.TryParse(reasonName, out var reason))
        {
            return Results.Text($"unknown revocation reason '{reasonName}' (use one of {string.Join(", ", RevocationReasons.Names)})", Text, statusCode: StatusCodes.Status400BadRequest);
        }

        var result = await revocation.RevokeAsync(serial, reason, Actor(context), context.RequestAborted);
        if (result.Error is { } error)
        {
            return Results.Text(error.Message, Text, statusCode: error.Kind == EstErrorKind.NotFound ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest);
        }

        var outcome = result.Value!;
        var stored = outcome.Certificate.RevocationReason is { } code ? RevocationReasons.Name(code) : reasonName;
        return Results.Ok(new RevocationResult(CertificateSummary.From(outcome.Certificate, time.GetUtcNow()), stored, outcome.AlreadyRevoked));
    }

    private static async Task<IResult> CreateAdminAsync(HttpContext context, AdminUserService admins)
    {
        var (request, problem) = await ReadJsonAsync<CreateAdminRequest>(context);
        if (request is null || string.IsNullOrWhiteSpace(request.Username))
        {
            return Results.Text(request is null ? problem : "username is required", Text, statusCode: StatusCodes.Status400BadRequest);
        }

        var roleName = string.IsNullOrEmpty(request.Role) ? AdminRoles.Auditor : request.Role;
        if (!AdminRoles.TryParse(roleName, out var role))
        {
            return Results.Text($"role must be one of {string.Join(", ", AdminRoles.Names)}", Text, statusCode: StatusCodes.Status400BadRequest);
        }

        var (password, createProblem) = await admins.CreateAsync(request.Username, request.Password, role, Actor(context), context.RequestAborted);
        if (password is null)
        {
            return Results.Text(createProblem!, Text, statusCode: createProblem!.Contains("already exists", StringComparison.Ordinal) ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
        }

        var username = request.Username.Trim();
        return Results.Created($"{ApiEndpoints.BasePath}/admins/{username}", new AdminPassword(username, string.IsNullOrEmpty(request.Password) ? password : null));
    }

    private static async Task<IResult> UpdateAdminAsync(string username, HttpContext context, AdminUserService admins)
    {
        var (request, problem) = await ReadJsonAsync<UpdateAdminRequest>(context);
        if (request is null)
        {
            return Results.Text(problem, Text, statusCode: StatusCodes.Status400BadRequest);
        }

        if (await admins.FindAsync(username, context.RequestAborted) is null)
        {
            return Results.Text($"no administrator named '{username}'", Text, statusCode: StatusCodes.Status404NotFound);
        }

        if (request.Role is { } role && !AdminRoles.TryParse(role, out _))
        {
            return Results.Text($"role must be one of {string.Join(", ", AdminRoles.Names)}", Text, statusCode: StatusCodes.Status400BadRequest);
        }

        if (request.Enabled is { } enabled && await admins.SetEnabledAsync(username, enabled, Actor(context), self: null, context.RequestAborted) is { } refused)
        {
            return Results.Text(refused, Text, statusCode: StatusCodes.Status409Conflict);
        }

        if (request.Role is { } newRole && await admins.SetRoleAsync(username, newRole, Actor(context), context.RequestAborted) is { } kept)
        {
            return Results.Text(kept, Text, statusCode: StatusCodes.Status409Conflict);
        }

        return Results.Ok(AdminSummary.From((await admins.FindAsync(username, context.RequestAborted))!));
    }

    private static async Task<IResult> SetAdminPasswordAsync(string username, HttpContext context, AdminUserService admins)
    {
        string? chosen = null;
        if (context.Request.ContentLength is not 0 && context.Request.HasJsonContentType())
        {
            var (request, problem) = await ReadJsonAsync<SetAdminPasswordRequest>(context);
            if (request is null)
            {
                return Results.Text(problem, Text, statusCode: StatusCodes.Status400BadRequest);
            }

            chosen = request.Password;
        }

        var (password, resetProblem) = await admins.ResetPasswordAsync(username, chosen, Actor(context), context.RequestAborted);
        return password is null
            ? Results.Text(resetProblem!, Text, statusCode: resetProblem!.StartsWith("no administrator", StringComparison.Ordinal) ? StatusCodes.Status404NotFound : StatusCodes.Status400BadRequest)
            : Results.Ok(new AdminPassword(username, string.IsNullOrEmpty(chosen) ? password : null));
    }

    /// <summary>Reads a JSON body; a body that is not JSON of the right shape is a 400 with the parser's reason.</summary>
    internal static async Task<(T? Value, string Problem)> ReadJsonAsync<T>(HttpContext context)
        where T : class
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, "the body must be JSON (Content-Type: application/json)");
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(context.Request.Body, Json, context.RequestAborted);
            return value is null ? (null, "the body is empty JSON (null)") : (value, "");
        }
        catch (JsonException e)
        {
            return (null, "the body is not valid JSON for this operation: " + e.Message);
        }
    }
}
