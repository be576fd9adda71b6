using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Estuary.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Estuary.Testing;

/// <summary>
/// A real Estuary server on a free loopback port over real TLS, with its own throwaway data folder.
/// Use as an xunit class fixture, or create one per test for tests that change server state.
/// </summary>
public class EstuaryTestServer : IAsyncLifetime
{
    private WebApplication? _app;

    public EstuaryTestServer()
        : this(null)
    {
    }

    private EstuaryTestServer(IDictionary<string, string?>? configuration)
    {
        Configuration = new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>());
        DataDir = Path.Combine(Path.GetTempPath(), "estuary-test-" + Guid.NewGuid().ToString("N")[..12]);
    }

    public IDictionary<string, string?> Configuration { get; }

    /// <summary>A server with extra configuration keys ("Estuary:Labels:iot:ValidityDays" = "30", …).</summary>
    public static EstuaryTestServer With(IDictionary<string, string?> configuration) => new(configuration);

    public string DataDir { get; }

    /// <summary>A server that also listens for EST-coaps (RFC 9148) on a free loopback UDP port (<see cref="CoapsUri"/>).</summary>
    public static EstuaryTestServer WithCoaps(IDictionary<string, string?>? configuration = null) =>
        new(new Dictionary<string, string?>(configuration ?? new Dictionary<string, string?>()) { ["Estuary:Coaps:Listen"] = "coaps://127.0.0.1:0" });

    /// <summary>coaps://127.0.0.1:PORT when the CoAP listener is on, else null.</summary>
    public string? CoapsUri { get; private set; }

    /// <summary>A JSON configuration file to load, as `estuary serve --config FILE` does.</summary>
    public string? ConfigFile { get; init; }

    /// <summary>https://127.0.0.1:PORT</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>https://127.0.0.1:ADMINPORT, the admin listener: console /admin/, REST API /api/v1, /openapi, /metrics.</summary>
    public Uri AdminBaseUri { get; private set; } = null!;

    /// <summary>https://127.0.0.1:PORT/.well-known/est</summary>
    public string EstUrl => BaseUri.GetLeftPart(UriPartial.Authority) + EstEndpoints.BasePath;

    public string RootCertificatePath => Path.Combine(DataDir, "root-ca.pem");

    public X509Certificate2 RootCertificate { get; private set; } = null!;

    public string EstUsername { get; private set; } = "";

    public string EstPassword { get; private set; } = "";

    public IServiceProvider Services => _app!.Services;

    /// <summary>What the server printed on start-up.</summary>
    public string StartupOutput { get; private set; } = "";

    public virtual async Task InitializeAsync()
    {
        Directory.CreateDirectory(DataDir);
        await StartAsync();
    }

    /// <summary>Starts (or restarts, after <see cref="StopAsync"/>) the server on the same data folder.</summary>
    public async Task StartAsync()
    {
        var overrides = new Dictionary<string, string?>(Configuration)
        {
            ["Estuary:DataDir"] = DataDir,
            ["Estuary:Listen"] = Configuration.TryGetValue("Estuary:Listen", out var l) && l is not null ? l : "https://127.0.0.1:0",
            ["Estuary:Admin:Listen"] = Configuration.TryGetValue("Estuary:Admin:Listen", out var a) && a is not null ? a : "https://127.0.0.1:0",
            ["Logging:LogLevel:Default"] = "Warning",
            // The CoAP listener (UDP) only when a test asks for it (WithCoaps), so that a sample file's fixed port is not bound.
            ["Estuary:Coaps:Listen"] = Configuration.TryGetValue("Estuary:Coaps:Listen", out var c) && c is not null ? c : "",
        };
        var output = new StringWriter();
        _app = await EstuaryServer.BuildAsync(ConfigFile, overrides, output);
        BaseUri = await EstuaryServer.StartAsync(_app, output);
        AdminBaseUri = _app.Services.GetRequiredService<EstuaryListeners>().Address(EstuaryListener.Admin)!;
        StartupOutput = output.ToString();
        CoapsUri = _app.Services.GetRequiredService<Estuary.Server.Coaps.CoapsListener>().LocalEndPoint is { } coaps ? $"coaps://127.0.0.1:{coaps.Port}" : null;
        RootCertificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(RootCertificatePath));
        using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDir, InitialCredentials.FileName)));
        EstUsername = credentials.RootElement.GetProperty("est").GetProperty("username").GetString()!;
        EstPassword = credentials.RootElement.GetProperty("est").GetProperty("password").GetString()!;
    }

    public async Task StopAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _app = null;
        }
    }

    public T GetRequiredService<T>()
        where T : notnull => Services.GetRequiredService<T>();

    /// <summary>An HttpClient for the EST listener that trusts only this server's root, optionally presenting a client certificate.</summary>
    public HttpClient CreateClient(X509Certificate2? clientCertificate = null, bool basicAuth = false)
    {
        var client = new HttpClient(Handler(clientCertificate)) { BaseAddress = new Uri(EstUrl + "/") };
        if (basicAuth)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(EstUsername + ":" + EstPassword)));
        }

        return client;
    }

    /// <summary>An HttpClient for the admin listener (base address <see cref="AdminBaseUri"/>) that trusts only this server's root.</summary>
    public HttpClient CreateAdminClient(X509Certificate2? clientCertificate = null) =>
        new(Handler(clientCertificate)) { BaseAddress = AdminBaseUri };

    /// <summary>The admin listener's URL of <paramref name="path"/> ("/admin/login").</summary>
    public string AdminUrl(string path) => AdminBaseUri.GetLeftPart(UriPartial.Authority) + path;

    private SocketsHttpHandler Handler(X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler();
        // Trust this server's root and nothing else; the issuing CA arrives in the TLS handshake.
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(RootCertificate);
        handler.SslOptions.CertificateChainPolicy = policy;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return handler;
    }

    public virtual async Task DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(DataDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
