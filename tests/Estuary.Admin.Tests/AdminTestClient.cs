using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Estuary.Admin;
using Estuary.Storage;
using Estuary.Testing;

namespace Estuary.Admin.Tests;

/// <summary>HTTP clients for the REST API and for EST with a given account, against a real test server.</summary>
internal static class AdminTestClient
{
    public static HttpClient Api(EstuaryTestServer server, string? key = null)
    {
        var client = server.CreateAdminClient();
        client.BaseAddress = new Uri(server.AdminUrl(ApiEndpoints.BasePath + "/"));
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public static HttpClient Est(EstuaryTestServer server, string username, string password)
    {
        var client = server.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
        return client;
    }

    /// <summary>
    /// A new API key of <paramref name="role"/> (auditor, ra-officer, administrator). "read" and "write", the scopes keys had
    /// before roles, stand for what they became: auditor and administrator.
    /// </summary>
    public static async Task<string> KeyAsync(EstuaryTestServer server, string role)
    {
        role = role switch { "read" => AdminRoles.Auditor, "write" => AdminRoles.Administrator, _ => role };
        var (key, _, problem) = await server.GetRequiredService<ApiKeyService>().CreateAsync("test " + role, role, null, "test", CancellationToken.None);
        return key ?? throw new InvalidOperationException(problem);
    }

    public static StringContent Json(object value) =>
        new(JsonSerializer.Serialize(value, new JsonSerializerOptions(JsonSerializerDefaults.Web)), Encoding.UTF8, "application/json");

    public static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
