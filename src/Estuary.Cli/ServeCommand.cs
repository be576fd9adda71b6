using System.CommandLine;
using Estuary.Server;
using Microsoft.Extensions.Hosting;

namespace Estuary.Cli;

/// <summary>`estuary serve`: run the EST server on the embedded defaults, or as configured.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Data folder (CA, TLS identity, database). Default ./estuary-data; key Estuary:DataDir" };
        var listen = new Option<string?>("--listen") { Description = "https://HOST:PORT to listen on. Default https://127.0.0.1:8443; key Estuary:Listen" };
        var adminListen = new Option<string?>("--admin-listen") { Description = "https://HOST:PORT for the admin console, REST API and /metrics. Default https://127.0.0.1:8444; key Estuary:Admin:Listen" };
        var config = new Option<string?>("--config") { Description = "A JSON configuration file (same keys as appsettings.json)" };
        var command = new Command("serve", "Run the EST server.") { dataDir, listen, adminListen, config };
        command.SetAction(async (result, cancellationToken) =>
        {
            var overrides = new Dictionary<string, string?>();
            if (result.GetValue(dataDir) is { } d)
            {
                overrides["Estuary:DataDir"] = d;
            }

            if (result.GetValue(listen) is { } l)
            {
                overrides["Estuary:Listen"] = l;
            }

            if (result.GetValue(adminListen) is { } a)
            {
                overrides["Estuary:Admin:Listen"] = a;
            }

            try
            {
                await using var app = await EstuaryServer.BuildAsync(result.GetValue(config), overrides, Console.Out, cancellationToken);
                await EstuaryServer.StartAsync(app, Console.Out, cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidOperationException)
            {
                await Console.Error.WriteLineAsync("estuary serve: " + e.Message);
                return 2;
            }
        });
        return command;
    }
}
