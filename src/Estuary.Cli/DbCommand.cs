using System.CommandLine;
using Estuary.Server;
using Estuary.Storage;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>
/// `estuary db migrate`: applies pending schema migrations to the configured store (SQLite file or
/// PostgreSQL) and exits. `estuary serve` migrates at start-up too; this verb lets an operator migrate a
/// shared PostgreSQL once, before rolling new nodes out.
/// </summary>
internal static class DbCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Data folder (holds estuary.db for SQLite). Default ./estuary-data; key Estuary:DataDir" };
        var config = new Option<string?>("--config") { Description = "A JSON configuration file (same keys as appsettings.json)" };
        var provider = new Option<string?>("--provider") { Description = "sqlite or postgres; key Estuary:Storage:Provider" };
        var connectionString = new Option<string?>("--connection-string") { Description = "SQLite file or PostgreSQL connection string; key Estuary:Storage:ConnectionString" };
        var migrate = new Command("migrate", "Apply pending schema migrations and exit.") { dataDir, config, provider, connectionString };
        migrate.SetAction(async (result, cancellationToken) =>
        {
            var builder = new ConfigurationBuilder()
                .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true)
                .AddEnvironmentVariables();
            if (result.GetValue(config) is { } file)
            {
                builder.AddJsonFile(Path.GetFullPath(file), optional: false);
            }

            var overrides = new Dictionary<string, string?>();
            Set(overrides, "Estuary:DataDir", result.GetValue(dataDir));
            Set(overrides, "Estuary:Storage:Provider", result.GetValue(provider));
            Set(overrides, "Estuary:Storage:ConnectionString", result.GetValue(connectionString));
            var configuration = builder.AddInMemoryCollection(overrides).Build();
            var options = new EstuaryOptions();
            configuration.GetSection("Estuary").Bind(options);
            var storage = new StorageOptions();
            configuration.GetSection("Estuary:Storage").Bind(storage);
            try
            {
                var folder = Path.GetFullPath(options.DataDir);
                if (storage.NormalizedProvider == StorageOptions.Sqlite)
                {
                    Directory.CreateDirectory(folder);
                }

                var (from, to) = await EstuaryStores.MigrateAsync(storage, folder, cancellationToken);
                Console.WriteLine(from == to
                    ? $"estuary db migrate: {storage.Describe(folder)} is at schema version {to}; nothing to do"
                    : $"estuary db migrate: {storage.Describe(folder)} migrated from schema version {from} to {to}");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or StorageUnavailableException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
            {
                await Console.Error.WriteLineAsync("estuary db migrate: " + e.Message);
                return e is StorageUnavailableException ? 3 : 2;
            }
        });
        return new Command("db", "Database administration.") { migrate };
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides[key] = value;
        }
    }
}
