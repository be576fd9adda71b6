using System.CommandLine;
using Estuary.Server;
using Estuary.Server.Configuration;
using Microsoft.Extensions.Hosting;

namespace Estuary.Cli;

/// <summary>`estuary serve`: run the EST server on the embedded defaults, or as configured.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var flags = new ServerFlags();
        var command = new Command("serve", "Run the EST server.");
        flags.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                // Passwords of first-run accounts go to a terminal, never into a redirected log (they stay in the 0600 file).
                await using var app = await EstuaryServer.BuildAsync(result.GetValue(flags.Config), flags.Overrides(result), Console.Out, consoleIsTerminal: !Console.IsOutputRedirected, cancellationToken);
                await EstuaryServer.StartAsync(app, Console.Out, cancellationToken);
                await app.WaitForShutdownAsync(cancellationToken);
                return 0;
            }
            catch (ConfigurationProblemsException e)
            {
                foreach (var problem in e.Problems)
                {
                    await Console.Error.WriteLineAsync("estuary serve: " + problem);
                }

                return 2;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or InvalidOperationException or FormatException)
            {
                await Console.Error.WriteLineAsync("estuary serve: " + e.Message);
                return 2;
            }
        });
        return command;
    }
}
