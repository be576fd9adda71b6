using System.Text.Json;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Estuary.Admin;

/// <summary>
/// The REST API under /api/v1: the console's operations for scripts. Every route needs an API key or an
/// administrator's client certificate and a role that allows it (<see cref="ApiAuthorizationFilter"/>,
/// <see cref="ApiPermissions"/>); changes are audited with the key's id.
/// </summary>
public static class ApiEndpoints
{
    public const string BasePath = "/api/v1";
    private const string Text = "text/plain; charset=utf-8";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static IEndpointRouteBuilder MapEstuaryApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup(BasePath).AddEndpointFilter<ApiAuthorizationFilter>().WithTags("Estuary");

        api.MapGet("/certificates", SearchCertificatesAsync).WithName("ListCertificates").WithSummary("Search issued certificates");
        api.MapGet("/certificates/{serial}", GetCertificateAsync).WithName("GetCertificate").WithSummary("One issued certificate");
        api.MapGet("/certificates/{serial}/pem", DownloadAsync).WithName("DownloadCertificate").WithSummary("The certificate in PEM (?chain=true adds the CA chain)");

        api.MapGet("/templates", (TemplateService t) => t.Templates.Select(m => new TemplateSummary(m.Definition, m.UpdatedAt, m.UpdatedBy)))
            .WithName("ListTemplates").WithSummary("Certificate templates");
        api.MapGet("/templates/{name}", (string name, TemplateService t) => t.Find(name) is { } m
                ? Results.Ok(new TemplateSummary(m.Definition, m.UpdatedAt, m.UpdatedBy))
                : Results.Text($"no template named '{name}'", Text, statusCode: 404))
            .WithName("GetTemplate").WithSummary("One template");
        api.MapPost("/templates", (HttpContext c, TemplateService t) => SaveTemplateAsync(c, t, null))
            .Accepts<TemplateDefinition>("application/json").WithName("CreateTemplate").WithSummary("Create a template (in force at once)");
        api.MapPut("/templates/{name}", (HttpContext c, string name, TemplateService t) => SaveTemplateAsync(c, t, name))
            .Accepts<TemplateDefinition>("application/json").WithName("UpdateTemplate").WithSummary("Replace a template (in force at once)");
        api.MapDelete("/templates/{name}", DeleteTemplateAsync).WithName("DeleteTemplate").WithSummary("Delete a template that issued nothing");

        api.MapGet("/labels", ListLabels).WithName("ListLabels").WithSummary("CA labels and what serves them");
        api.MapAdapterApi();

        api.MapGet("/accounts", ListAccountsAsync).WithName("ListAccounts").WithSummary("EST accounts");
        api.MapGet("/accounts/{username}", GetAccountAsync).WithName("GetAccount").WithSummary("One EST account");
        api.MapPost("/accounts", CreateAccountAsync).Accepts<CreateAccountRequest>("application/json").WithName("CreateAccount").WithSummary("Create an EST account; the password is in the answer, once");
        api.MapPatch("/accounts/{username}", UpdateAccountAsync).Accepts<UpdateAccountRequest>("application/json").WithName("UpdateAccount").WithSummary("Enable, disable or regroup an account");
        api.MapPost("/accounts/{username}/password", ResetPasswordAsync).WithName("ResetAccountPassword").WithSummary("Give an account a new password, shown once");

        api.MapGet("/audit", SearchAuditAsync).WithName("ListAudit").WithSummary("The audit log, newest first");
        api.MapGet("/ca", (CaMaterial m) => CaOverview.Describe(m)).WithName("GetCa").WithSummary("The CA chain with SHA-256 fingerprints");

        api.MapGet("/api-keys", async (ApiKeyService keys, TimeProvider time, CancellationToken ct) =>
            (await keys.ListAsync(ct)).Select(k => ApiKeySummary.From(k, time.GetUtcNow()))).WithName("ListApiKeys").WithSummary("API keys with role, expiry and last use (never their secrets)");
        api.MapPost("/api-keys", CreateApiKeyAsync).Accepts<CreateApiKeyRequest>("application/json").WithName("CreateApiKey")
            .WithSummary("Create an API key with a role and a lifetime (expiresInDays, default 90), shown once");
        api.MapDelete("/api-keys/{id}", async (string id, HttpContext c, ApiKeyService keys) =>
            await keys.DeleteAsync(id, Actor(c), c.RequestAborted) ? Results.NoContent() : Results.Text($"no API key {id}", Text, statusCode: 404)).WithName("DeleteApiKey").WithSummary("Delete an API key");
        return app;
    }

    private static string Actor(HttpContext c) => c.Items[AdminActor.ApiKeyItem] as string ?? "api";

    private static async Task<IResult> SearchCertificatesAsync(
        IManagementStore store, TimeProvider time, string? q, string? label, string? requester, string? status, int? expiresWithinDays, int? limit, CancellationToken ct)
    {
        if (status is not (null or "" or "valid" or "expired" or "revoked"))
        {
            return Results.Text("status must be valid, expired or revoked", Text, statusCode: 400);
        }

        var now = time.GetUtcNow();
        var list = await store.SearchCertificatesAsync(
            new CertificateQuery
            {
                Text = q,
                Label = string.IsNullOrEmpty(label) ? null : label == RaOptions.DefaultLabel ? "" : label,
                RequestedBy = requester,
                Status = string.IsNullOrEmpty(status) ? null : status,
                ExpiresBefore = expiresWithinDays is { } d ? now.AddDays(d) : null,
                Now = now,
                Limit = limit ?? 200,
            },
            ct);
        return Results.Ok(list.Select(r => CertificateSummary.From(r, now)));
    }

    private static async Task<IResult> GetCertificateAsync(string serial, IEstuaryStore store, TimeProvider time, CancellationToken ct) =>
        await store.FindCertificateAsync(serial, ct) is { } r
            ? Results.Ok(CertificateSummary.From(r, time.GetUtcNow()))
            : Results.Text($"no certificate with serial {serial}", Text, statusCode: 404);

    private static async Task<IResult> DownloadAsync(string serial, bool? chain, IEstuaryStore store, CaMaterial material, CancellationToken ct) =>
        await store.FindCertificateAsync(serial, ct) is { } r
            ? Results.Text(chain == true ? CaOverview.ChainPem(r.Der, material) : CaOverview.Pem(r.Der), "application/pem-certificate-chain")
            : Results.Text($"no certificate with serial {serial}", Text, statusCode: 404);

    private static async Task<IResult> SaveTemplateAsync(HttpContext context, TemplateService templates, string? name)
    {
        var (template, problem) = await ReadJsonAsync<TemplateDefinition>(context);
        if (template is null)
        {
            return Results.Text(problem, Text, statusCode: 400);
        }

        if (name is not null && template.Name.Length == 0)
        {
            template.Name = name;
        }

        if (name is not null && template.Name != name)
        {
            return Results.Text($"the body names template '{template.Name}' but the URL '{name}'", Text, statusCode: 400);
        }

        var problems = await templates.SaveAsync(template, create: name is null, Actor(context), context.RequestAborted);
        if (problems.Count > 0)
        {
            var conflict = problems.Any(p => p.Contains("already exists", StringComparison.Ordinal));
            var missing = problems.Any(p => p.StartsWith("no template", StringComparison.Ordinal));
            return Results.Text(string.Join("\n", problems), Text, statusCode: missing ? 404 : conflict ? 409 : 400);
        }

        var saved = templates.Find(template.Name)!;
        var summary = new TemplateSummary(saved.Definition, saved.UpdatedAt, saved.UpdatedBy);
        return name is null ? Results.Created($"{BasePath}/templates/{template.Name}", summary) : Results.Ok(summary);
    }

    private static async Task<IResult> DeleteTemplateAsync(string name, HttpContext context, TemplateService templates)
    {
        var problem = await templates.DeleteAsync(name, Actor(context), context.RequestAborted);
        return problem is null ? Results.NoContent()
            : Results.Text(problem, Text, statusCode: problem.StartsWith("no template", StringComparison.Ordinal) ? 404 : 409);
    }

    private static IEnumerable<LabelSummary> ListLabels(LabelRegistry labels, TemplateService templates) =>
        labels.Labels.Order(StringComparer.Ordinal).Select(l => templates.FindByLabel(l) is { } t && labels.FindManaged(l) is not null
            ? new LabelSummary(l, "template", t.Definition.Name)
            : new LabelSummary(l, labels.IsFromConfiguration(l) ? "configuration" : "built-in default", null));

    internal static IReadOnlyList<AdapterSummary> Adapters(CaMaterial material) =>
        [new AdapterSummary(TemplateCompiler.BuiltinAdapter, "built-in CA", "This server's issuing CA signs the certificate.", material.Issuing.Certificate.Subject)];

    private static async Task<IEnumerable<AccountSummary>> ListAccountsAsync(AccountService accounts, CancellationToken ct) =>
        (await accounts.ListAsync(ct)).Select(a => new AccountSummary(a.Account.Username, a.Account.Enabled, a.Groups, a.Account.CreatedAt));

    private static async Task<IResult> GetAccountAsync(string username, AccountService accounts, CancellationToken ct) =>
        await accounts.FindAsync(username, ct) is { } a
            ? Results.Ok(new AccountSummary(a.Account.Username, a.Account.Enabled, a.Groups, a.Account.CreatedAt))
            : Results.Text($"no account named '{username}'", Text, statusCode: 404);

    private static async Task<IResult> CreateAccountAsync(HttpContext context, AccountService accounts)
    {
        var (request, problem) = await ReadJsonAsync<CreateAccountRequest>(context);
        if (request is null || string.IsNullOrEmpty(request.Username))
        {
            return Results.Text(request is null ? problem : "username is required", Text, statusCode: 400);
        }

        var (password, createProblem) = await accounts.CreateAsync(request.Username, request.Groups ?? [], Actor(context), context.RequestAborted);
        return password is null
            ? Results.Text(createProblem!, Text, statusCode: createProblem!.Contains("already exists", StringComparison.Ordinal) ? 409 : 400)
            : Results.Created($"{BasePath}/accounts/{request.Username.Trim()}", new AccountPassword(request.Username.Trim(), password));
    }

    private static async Task<IResult> UpdateAccountAsync(string username, HttpContext context, AccountService accounts)
    {
        var (request, problem) = await ReadJsonAsync<UpdateAccountRequest>(context);
        if (request is null)
        {
            return Results.Text(problem, Text, statusCode: 400);
        }

        if (await accounts.FindAsync(username, context.RequestAborted) is null)
        {
            return Results.Text($"no account named '{username}'", Text, statusCode: 404);
        }

        if (request.Groups is { } groups && await accounts.SetGroupsAsync(username, groups, Actor(context), context.RequestAborted) is { } groupProblem)
        {
            return Results.Text(groupProblem, Text, statusCode: 400);
        }

        if (request.Enabled is { } enabled)
        {
            await accounts.SetEnabledAsync(username, enabled, Actor(context), context.RequestAborted);
        }

        var a = (await accounts.FindAsync(username, context.RequestAborted))!.Value;
        return Results.Ok(new AccountSummary(a.Account.Username, a.Account.Enabled, a.Groups, a.Account.CreatedAt));
    }

    private static async Task<IResult> ResetPasswordAsync(string username, HttpContext context, AccountService accounts) =>
        await accounts.ResetPasswordAsync(username, Actor(context), context.RequestAborted) is { } password
            ? Results.Ok(new AccountPassword(username, password))
            : Results.Text($"no account named '{username}'", Text, statusCode: 404);

    private static async Task<IEnumerable<AuditEvent>> SearchAuditAsync(IManagementStore store, string? kind, string? q, int? limit, CancellationToken ct) =>
        await store.SearchAuditAsync(new AuditQuery { KindPrefix = kind, Text = q, Limit = limit ?? 200 }, ct);

    private static async Task<IResult> CreateApiKeyAsync(HttpContext context, ApiKeyService keys)
    {
        var (request, problem) = await ReadJsonAsync<CreateApiKeyRequest>(context);
        if (request is null)
        {
            return Results.Text(problem, Text, statusCode: 400);
        }

        if (request.Role is null && request.Scope is not null)
        {
            return Results.Text($"API keys have a role now, not a scope: send \"role\" ({string.Join(", ", AdminRoles.Names)})", Text, statusCode: 400);
        }

        var (key, record, createProblem) = await keys.CreateAsync(request.Name ?? "", request.Role, request.ExpiresInDays, Actor(context), context.RequestAborted);
        return key is null
            ? Results.Text(createProblem!, Text, statusCode: 400)
            : Results.Ok(new ApiKeyCreated(record!.Id, record.Name, AdminRoles.Name(record.Role), record.ExpiresAt, key));
    }

    /// <summary>Reads a JSON body; a body that is not JSON of the right shape is a 400 with the parser's reason.</summary>
    private static async Task<(T? Value, string Problem)> ReadJsonAsync<T>(HttpContext context)
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
