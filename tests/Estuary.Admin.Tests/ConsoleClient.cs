using System.Net;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;
using Estuary.Testing;

namespace Estuary.Admin.Tests;

/// <summary>
/// The console as a plain HTTP client (no browser): keeps its own cookies, so a test can copy a session cookie
/// and replay it later, and posts forms with the antiforgery token of the page they came from.
/// </summary>
internal sealed partial class ConsoleClient : IDisposable
{
    public const string SessionCookie = "__Host-estuary-admin";
    private readonly HttpClient _http;
    private readonly Dictionary<string, string> _cookies = new(StringComparer.Ordinal);

    public ConsoleClient(EstuaryTestServer server)
    {
        var handler = new SocketsHttpHandler { UseCookies = false, AllowAutoRedirect = false };
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(server.RootCertificate);
        handler.SslOptions.CertificateChainPolicy = policy;
        _http = new HttpClient(handler) { BaseAddress = new Uri(server.AdminBaseUri.GetLeftPart(UriPartial.Authority)) };
    }

    /// <summary>The session cookie's value now (null when logged out).</summary>
    public string? Session => _cookies.GetValueOrDefault(SessionCookie);

    public static async Task<string> AdminPasswordAsync(EstuaryTestServer server)
    {
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(server.DataDir, "initial-credentials.json")));
        return json.RootElement.GetProperty("admin").GetProperty("password").GetString()!;
    }

    /// <summary>Replaces the session cookie (a copy taken from another client or from earlier).</summary>
    public void UseSession(string session) => _cookies[SessionCookie] = session;

    public async Task<HttpResponseMessage> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        return await SendAsync(request);
    }

    /// <summary>GETs <paramref name="formPage"/> for its antiforgery token, then POSTs the form to <paramref name="action"/>.</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, IDictionary<string, string> fields)
    {
        using var page = await GetAsync(formPage);
        var html = await page.Content.ReadAsStringAsync();
        var token = TokenPattern().Match(html) is { Success: true } m ? WebUtility.HtmlDecode(m.Groups[1].Value) : throw new InvalidOperationException($"no antiforgery token on {formPage} ({(int)page.StatusCode})");
        using var request = new HttpRequestMessage(HttpMethod.Post, action)
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>(fields) { ["__RequestVerificationToken"] = token }),
        };
        return await SendAsync(request);
    }

    /// <summary>Logs in; returns the response (302 to the console on success).</summary>
    public Task<HttpResponseMessage> LogInAsync(string username, string password) =>
        PostFormAsync("/admin/login", "/admin/login", new Dictionary<string, string> { ["username"] = username, ["password"] = password });

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        if (_cookies.Count > 0)
        {
            request.Headers.Add("Cookie", string.Join("; ", _cookies.Select(c => c.Key + "=" + c.Value)));
        }

        var response = await _http.SendAsync(request);
        if (response.Headers.TryGetValues("Set-Cookie", out var setCookies))
        {
            foreach (var setCookie in setCookies)
            {
                var pair = setCookie.Split(';', 2)[0];
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var (name, value) = (pair[..eq], pair[(eq + 1)..]);
                if (value.Length == 0 || setCookie.Contains("expires=Thu, 01 Jan 1970", StringComparison.OrdinalIgnoreCase))
                {
                    _cookies.Remove(name);
                }
                else
                {
                    _cookies[name] = value;
                }
            }
        }

        return response;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" type=\"hidden\" value=\"([^\"]+)\"")]
    private static partial Regex TokenPattern();
}
