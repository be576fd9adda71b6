using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Estuary.Admin;
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

    public static async Task<string> KeyAsync(EstuaryTestServer server, string scope)
    {
        var (key, problem) = await server.GetRequiredService<ApiKeyService>().CreateAsync("test " + scope, scope, "test", CancellationToken.None);
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
