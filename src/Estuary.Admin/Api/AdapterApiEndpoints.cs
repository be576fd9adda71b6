using System.Text.Json;
using Estuary.Ca;
using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Estuary.Admin;

/// <summary>
/// /api/v1/adapters: list, read, create, replace and delete upstream EST adapters. Every role may list; changes
/// need the role administrator (<see cref="ApiAuthorizationFilter"/>). A password goes in, never comes out.
/// </summary>
internal static class AdapterApiEndpoints
{
    private const string Text = "text/plain; charset=utf-8";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static RouteGroupBuilder MapAdapterApi(this RouteGroupBuilder api)
    {
        api.MapGet("/adapters", List).WithName("ListAdapters").WithSummary("Adapters that issue certificates (the built-in CA and upstream EST adapters)");
        api.MapGet("/adapters/{name}", Get).WithName("GetAdapter").WithSummary("One adapter (never its password)");
        api.MapPost("/adapters", (HttpContext c, AdapterService a) => SaveAsync(c, a, null))
            .Accepts<AdapterDefinition>("application/json").WithName("CreateAdapter").WithSummary("Create an upstream EST adapter (in force at once)");
        api.MapPut("/adapters/{name}", (HttpContext c, string name, AdapterService a) => SaveAsync(c, a, name))
            .Accepts<AdapterDefinition>("application/json").WithName("UpdateAdapter").WithSummary("Replace an upstream EST adapter; an empty password keeps the saved one");
        api.MapDelete("/adapters/{name}", DeleteAsync).WithName("DeleteAdapter").WithSummary("Delete an adapter no template uses");
        return api;
    }

    /// <summary>Every adapter, the built-in CA first.</summary>
    internal static IReadOnlyList<AdapterView> All(AdapterService adapters, CaMaterial material) =>
        [AdapterView.Builtin(material.Issuing.Certificate.Subject, adapters.UsedBy(TemplateCompiler.BuiltinAdapter)),
         .. adapters.Adapters.Select(a => AdapterView.From(a, adapters.UsedBy(a.Definition.Name)))];

    private static IReadOnlyList<AdapterView> List(AdapterService adapters, CaMaterial material) => All(adapters, material);

    private static IResult Get(string name, AdapterService adapters, CaMaterial material) =>
        All(adapters, material).FirstOrDefault(a => a.Name == name) is { } view
            ? Results.Ok(view)
            : Results.Text($"no adapter named '{name}'", Text, statusCode: 404);

    private static async Task<IResult> SaveAsync(HttpContext context, AdapterService adapters, string? name)
    {
        var (adapter, problem) = await ReadAdapterAsync(context);
        if (adapter is null)
        {
            return Results.Text(problem, Text, statusCode: 400);
        }

        if (name is not null && adapter.Name.Length == 0)
        {
            adapter.Name = name;
        }

        if (name is not null && adapter.Name != name)
        {
            return Results.Text($"the body names adapter '{adapter.Name}' but the URL '{name}'", Text, statusCode: 400);
        }

        var problems = await adapters.SaveAsync(adapter, create: name is null, Actor(context), context.RequestAborted);
        if (problems.Count > 0)
        {
            var conflict = problems.Any(p => p.Contains("already exists", StringComparison.Ordinal) || p.Contains("read-only", StringComparison.Ordinal));
            var missing = problems.Any(p => p.StartsWith("no adapter", StringComparison.Ordinal));
            return Results.Text(string.Join("\n", problems), Text, statusCode: missing ? 404 : conflict ? 409 : 400);
        }

        var saved = adapters.Find(adapter.Name)!;
        var view = AdapterView.From(saved, adapters.UsedBy(adapter.Name));
        return name is null ? Results.Created($"{ApiEndpoints.BasePath}/adapters/{adapter.Name}", view) : Results.Ok(view);
    }

    private static string Actor(HttpContext c) => c.Items[AdminActor.ApiKeyItem] as string ?? "api";

    private static async Task<(AdapterDefinition? Value, string Problem)> ReadAdapterAsync(HttpContext context)
    {
        if (!context.Request.HasJsonContentType())
        {
            return (null, "the body must be JSON (Content-Type: application/json)");
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<AdapterDefinition>(context.Request.Body, Json, context.RequestAborted);
            return value is null ? (null, "the body is empty JSON (null)") : (value, "");
        }
        catch (JsonException e)
        {
            return (null, "the body is not valid JSON for an adapter: " + e.Message);
        }
    }

    private static async Task<IResult> DeleteAsync(string name, HttpContext context, AdapterService adapters)
    {
        var problem = await adapters.DeleteAsync(name, Actor(context), context.RequestAborted);
        return problem is null ? Results.NoContent()
            : Results.Text(problem, Text, statusCode: problem.StartsWith("no adapter", StringComparison.Ordinal) ? 404 : 409);
    }
}
