using Estuary.Admin;
using Estuary.Storage;

namespace Estuary.Server;

/// <summary>First run of the console: a bootstrap administrator whose password is printed once and kept in initial-credentials.json.</summary>
public static class AdminSetup
{
    /// <summary>Creates the bootstrap administrator when there is none; returns its password when created.</summary>
    public static async Task<string?> EnsureAdminAsync(string dataDir, IEstuaryStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (store is not IManagementStore management)
        {
            return null;
        }

        var password = await AdminUserService.EnsureBootstrapAsync(management, time, cancellationToken);
        if (password is not null)
        {
            InitialCredentials.Write(dataDir, "admin", AdminUserService.BootstrapUsername, password);
        }

        return password;
    }

    /// <summary>Names where the console and API answer: the admin listener (Estuary:Admin:Listen), not the EST one.</summary>
    public static void PrintSummary(TextWriter console, EstuaryOptions options, Uri adminListen, string? adminPassword, bool consoleIsTerminal)
    {
        var listen = adminListen.GetLeftPart(UriPartial.Authority);
        console.WriteLine($"Admin console: {listen}{EstuaryAdminExtensions.ConsolePath}/   (REST API {listen}{ApiEndpoints.BasePath}, OpenAPI {listen}{EstuaryAdminExtensions.OpenApiPrefix}/v1.json)");
        if (adminPassword is not null)
        {
            InitialCredentials.Print(console, $"  admin login    user '{AdminUserService.BootstrapUsername}'", adminPassword, options.DataDir, consoleIsTerminal);
        }

        console.Flush();
    }
}
