using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Estuary.Admin;
using Estuary.Ca;
using Estuary.Client;
using Estuary.Ra;
using Estuary.Server.Coaps;
using Estuary.Server.Configuration;
using Estuary.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Estuary.Server;

/// <summary>Builds and runs the EST server: data folder, CA, storage, RA, Kestrel with TLS 1.2/1.3.</summary>
public static class EstuaryServer
{
    /// <summary>
    /// Builds the server. Configuration, later sources winning: appsettings.json in the working folder, environment
    /// variables (Estuary__Listen, …), the file named by <paramref name="configFile"/>, then
    /// <paramref name="overrides"/> (the command-line flags). It is checked first, before anything is written
    /// (<see cref="ConfigurationCheck"/>). Initial passwords are printed only when <paramref name="consoleIsTerminal"/>:
    /// redirected output ends up in journals and CI logs, so it names the 0600 file that holds them instead.
    /// </summary>
    /// <exception cref="ConfigurationProblemsException">Every mistake in the configuration; nothing was written.</exception>
    public static async Task<WebApplication> BuildAsync(string? configFile, IDictionary<string, string?>? overrides, TextWriter console, bool consoleIsTerminal = false, CancellationToken cancellationToken = default)
    {
        await ConfigurationCheck.LoadCheckedAsync(configFile, overrides, cancellationToken);
        var builder = WebApplication.CreateBuilder();
        if (configFile is not null)
        {
            builder.Configuration.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }

        if (overrides is not null)
        {
            builder.Configuration.AddInMemoryCollection(overrides);
        }

        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        ConfigureConsoleLog(builder);

        var options = new EstuaryOptions();
        builder.Configuration.GetSection("Estuary").Bind(options);
        _ = options.FixedLayout; // validates the setting now, not on the first request
        var adminOptions = new AdminOptions();
        builder.Configuration.GetSection("Estuary:Admin").Bind(adminOptions);
        // The listen URLs are checked before anything is created in the data folder.
        var listeners = new EstuaryListeners(options.Listen, adminOptions.Listen, options.HttpListen);
        var caOptions = new CaOptions();
        builder.Configuration.GetSection("Estuary:Ca").Bind(caOptions);
        var raOptions = BindRaOptions(builder.Configuration);
        var labels = new LabelRegistry(raOptions);
        var adapters = new AdapterRegistry(raOptions, TimeProvider.System);

        var dataDir = Path.GetFullPath(options.DataDir);
        options.DataDir = dataDir;
        DataFolder.Secure(dataDir, console); // 0700/0600 and umask 077 before anything is written (issue 12 item 7)
        var time = TimeProvider.System;
        var material = CaDirectory.LoadOrCreate(dataDir, caOptions, time);
        var storageOptions = new StorageOptions();
        builder.Configuration.GetSection("Estuary:Storage").Bind(storageOptions);
        var store = await EstuaryStores.OpenAsync(storageOptions, dataDir, cancellationToken);
        var hasher = new PasswordHasher(time, raOptions.CredentialCacheLifetime);
        var rateLimits = new RateLimitOptions();
        builder.Configuration.GetSection("Estuary:RateLimits").Bind(rateLimits);
        var estPassword = await InitialCredentials.EnsureEstAccountAsync(dataDir, store, hasher, time, cancellationToken);
        var adminPassword = await AdminSetup.EnsureAdminAsync(dataDir, store, time, cancellationToken);

        builder.Services.AddSingleton(Options.Create(options));
        builder.Services.AddSingleton(listeners);
        builder.Services.AddSingleton(time);
        builder.Services.AddSingleton(material);
        builder.Services.AddSingleton(material.Issuing);
        builder.Services.AddSingleton(IssuerHierarchies.From(material));
        builder.Services.AddSingleton<IEstuaryStore>(store);
        builder.Services.AddSingleton(hasher);
        builder.Services.AddSingleton(raOptions);
        builder.Services.AddSingleton(labels);
        builder.Services.AddSingleton(adapters);
        builder.Services.AddEstRateLimiting(rateLimits, store, time); // shared by every node on PostgreSQL, in process on SQLite
        builder.Services.AddSingleton<EstAuthenticator>();
        builder.Services.AddSingleton(new ServerKeyProtection(material, store, time));
        builder.Services.AddSingleton<RegistrationAuthority>();
        builder.Services.AddSingleton<ApprovalQueue>();
        builder.Services.AddSingleton<EstMetrics>();
        builder.Services.AddHostedService<PendingApprovalsMetric>();
        // EST-coaps (RFC 9148): a UDP listener beside Kestrel, off unless Estuary:Coaps:Listen is set.
        builder.Services.AddSingleton<CoapsListener>();
        builder.Services.AddHostedService(services => services.GetRequiredService<CoapsListener>());
        builder.Services.AddRoutingCore();
        var revocationOptions = new RevocationOptions();
        builder.Configuration.GetSection("Estuary:Revocation").Bind(revocationOptions);
        builder.Services.AddSingleton(revocationOptions);
        builder.Services.AddSingleton<RevocationGeneration>();
        builder.Services.AddSingleton<CrlPublisher>();
        builder.Services.AddSingleton<RevocationService>();
        builder.Services.AddSingleton<OcspService>();
        builder.Services.AddSingleton<RevocationUrls>();
        builder.Services.AddHostedService<RevocationRefreshService>();
        builder.Services.AddSingleton(caOptions);
        builder.Services.AddSingleton<IssuerCrls>();
        builder.Services.AddSingleton<PartitionCrls>();
        builder.Services.AddSingleton<IssuingCaRefreshService>();
        builder.Services.AddHostedService(services => services.GetRequiredService<IssuingCaRefreshService>());
        // The console keeps templates, accounts and API keys in the management tables (IManagementStore),
        // which both the SQLite and the PostgreSQL store have.
        var consoleAvailable = store is IManagementStore;
        if (consoleAvailable)
        {
            builder.Services.AddEstuaryAdmin(builder.Configuration, dataDir);
        }

        builder.WebHost.ConfigureKestrel(kestrel => ConfigureKestrel(kestrel, options, listeners, material));

        var app = builder.Build();
        // The CA keys (a PKCS#11 session above all) are released when the server stops, not left to the process exit.
        app.Lifetime.ApplicationStopped.Register(material.Dispose);
        // First: a path the accepting listener does not serve stops here (one route table per listener).
        app.UseMiddleware<ListenerGuard>();
        // Routing, authentication and authorization explicitly after the guard: left implicit, WebApplication puts
        // them first, and the console's cookie challenge (302 to /admin/login) answered on the EST listener before
        // the guard could refuse the path.
        app.UseRouting();
        if (consoleAvailable)
        {
            app.UseAuthentication();
            app.UseAuthorization();
        }

        app.UseMiddleware<EstMetricsMiddleware>();
        app.UseMiddleware<EstErrorMiddleware>();
        app.UseEstRateLimiting();
        app.MapEst();
        app.MapRevocation();
        app.MapEstServerKeyGen();
        app.MapEstFullCmc();
        if (consoleAvailable)
        {
            app.MapEstuaryAdmin();
        }

        app.MapHealth();
        app.MapHomePage();

        PrintSummary(console, options, material, estPassword, labels, storageOptions, consoleIsTerminal);
        if (consoleAvailable)
        {
            AdminSetup.PrintSummary(console, options, listeners.Configured(EstuaryListener.Admin)!, adminPassword, consoleIsTerminal);
        }
        else
        {
            console.WriteLine("Admin console: not available with this storage (use the estuary CLI)");
        }
        return app;
    }

    /// <summary>
    /// Starts the server and prints where the admin listener answers, then the one "ready" line scripts wait
    /// for; returns the EST listener's address.
    /// </summary>
    public static async Task<Uri> StartAsync(WebApplication app, TextWriter console, CancellationToken cancellationToken = default)
    {
        await app.StartAsync(cancellationToken);
        var listeners = app.Services.GetRequiredService<EstuaryListeners>();
        var uri = listeners.Address(EstuaryListener.Est)!;
        RevocationPublication.OnStarted(app.Services, uri, listeners.Address(EstuaryListener.PlainHttp));
        var admin = listeners.Address(EstuaryListener.Admin)!.GetLeftPart(UriPartial.Authority);
        await console.WriteLineAsync($"Admin listener: {admin}   (console {EstuaryAdminExtensions.ConsolePath}/, REST API {ApiEndpoints.BasePath}, OpenAPI {EstuaryAdminExtensions.OpenApiPrefix}/v1.json, Prometheus {HealthEndpoints.MetricsPath})");
        await console.WriteLineAsync($"Estuary is ready: {uri.GetLeftPart(UriPartial.Authority)}{EstEndpoints.BasePath}");
        await console.FlushAsync(cancellationToken);
        return uri;
    }

    private static RaOptions BindRaOptions(IConfiguration configuration)
    {
        var ra = new RaOptions();
        configuration.GetSection("Estuary").Bind(ra);
        foreach (var labelSection in configuration.GetSection("Estuary:Labels").GetChildren())
        {
            var profile = new ProfileOptions();
            labelSection.Bind(profile);
            ra.Labels[labelSection.Key] = profile;
        }

        return ra;
    }

    private static void ConfigureKestrel(KestrelServerOptions kestrel, EstuaryOptions options, EstuaryListeners listeners, CaMaterial material)
    {
        kestrel.AddServerHeader = false;
        kestrel.Limits.MaxRequestBodySize = options.MaxRequestBodyBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = 32 * 1024;
        kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(15);

        // The EST and admin listeners share the TLS identity and policy.
        void Https(ListenOptions listen)
        {
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificate = material.TlsCertificate,
                // Send the issuing CA too: clients hold only the root (DATA_DIR/root-ca.pem).
                ServerCertificateChain = [material.TlsIssuer ?? material.Issuing.Certificate],
                SslProtocols = SslProtocols.Tls12 | SslProtocols.Tls13,
                // Ask for a client certificate, do not require one (RFC 7030 §3.3.2); the RA decides what it is worth.
                ClientCertificateMode = ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (_, _, _) => true,
                CheckCertificateRevocation = false,
                OnAuthenticate = TlsPolicy.PerConnection(options) ? (_, ssl) => ssl.CipherSuitesPolicy = TlsPolicy.CipherSuites : null,
            });
        }

        listeners.Listen(kestrel, Https);
    }

    /// <summary>
    /// Timestamps on every console line by default (UTC, ISO 8601); Estuary:Logging:Format=json selects the ASP.NET
    /// JSON console formatter, one object per line, for log shippers.
    /// </summary>
    private static void ConfigureConsoleLog(WebApplicationBuilder builder)
    {
        var logging = new LoggingOptions();
        builder.Configuration.GetSection("Estuary:Logging").Bind(logging);
        const string timestamp = "yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff'Z'";
        if (logging.IsJson)
        {
            builder.Logging.AddJsonConsole(json =>
            {
                json.UseUtcTimestamp = true;
                json.TimestampFormat = timestamp;
            });
        }
        else
        {
            builder.Logging.AddSimpleConsole(simple =>
            {
                simple.UseUtcTimestamp = true;
                simple.TimestampFormat = timestamp + " ";
                simple.SingleLine = true;
            });
        }
    }

    private static void PrintSummary(TextWriter console, EstuaryOptions options, CaMaterial material, string? estPassword, LabelRegistry labels, StorageOptions storage, bool consoleIsTerminal)
    {
        console.WriteLine(material.Created ? $"Estuary: created a new CA in {options.DataDir}" : $"Estuary: using the CA in {options.DataDir}");
        console.WriteLine($"  root CA        {material.Root.Subject}  (trust anchor: {material.RootCertificatePath})");
        // As step-ca prints it: what a client checks the root against out of band (RFC 7030 §4.1.1).
        console.WriteLine($"  root SHA-256   {TrustFingerprint.Of(material.Root)}");
        console.WriteLine("                 (estuary cacerts --trust-fingerprint takes it as printed)");
        console.WriteLine($"  TLS names      {string.Join(", ", TlsNames(material.TlsCertificate))}");
        console.WriteLine($"  TLS suites     {TlsPolicy.Describe(options)}");
        console.WriteLine($"  issuing CA     {material.Issuing.Certificate.Subject}, valid until {material.Issuing.Certificate.NotAfter:yyyy-MM-dd}");
        console.WriteLine($"  key passphrase {material.PassphraseSource}");
        console.WriteLine($"  database       {storage.Describe(options.DataDir)}");
        console.WriteLine($"  CA labels      {string.Join(", ", labels.Labels)}");
        if (estPassword is not null)
        {
            InitialCredentials.Print(console, $"  EST account    user '{InitialCredentials.EstUsername}'", estPassword, options.DataDir, consoleIsTerminal);
        }

        console.Flush();
    }

    /// <summary>The DNS names and IP addresses of the TLS server certificate's subjectAltName.</summary>
    private static IEnumerable<string> TlsNames(X509Certificate2 certificate)
    {
        var names = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        return names is null ? [] : names.EnumerateDnsNames().Concat(names.EnumerateIPAddresses().Select(a => a.ToString()));
    }
}
