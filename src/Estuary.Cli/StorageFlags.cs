using System.CommandLine;
using Estuary.Ca;
using Estuary.Server;
using Estuary.Storage;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>
/// The storage options of every verb that opens storage (`approvals`, `ca revoke`, `db migrate`, `decrypt-keys`),
/// bound from the sources `estuary serve` reads, later ones winning: appsettings.json in the working folder, the
/// environment (Estuary__Storage__Provider, …), --config FILE, then the flags. The store is opened through
/// <see cref="EstuaryStores.OpenAsync"/>, the factory `serve` uses, so each verb works on SQLite and PostgreSQL alike.
/// </summary>
internal sealed class StorageFlags
{
    public StorageFlags(bool recursive = false)
    {
        DataDir = new Option<string?>("--data-dir") { Description = "Data folder (holds estuary.db for SQLite). Default ./estuary-data; key Estuary:DataDir", Recursive = recursive };
        Config = new Option<string?>("--config") { Description = "A JSON configuration file (same keys as appsettings.json)", Recursive = recursive };
        Provider = new Option<string?>("--provider") { Description = "sqlite or postgres; key Estuary:Storage:Provider", Recursive = recursive };
        ConnectionString = new Option<string?>("--connection-string") { Description = "SQLite file or PostgreSQL connection string; key Estuary:Storage:ConnectionString", Recursive = recursive };
    }

    public Option<string?> DataDir { get; }

    public Option<string?> Config { get; }

    public Option<string?> Provider { get; }

    public Option<string?> ConnectionString { get; }

    /// <summary>Adds the four options to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Config);
        command.Options.Add(Provider);
        command.Options.Add(ConnectionString);
    }

    /// <summary>The configuration and storage settings of this invocation.</summary>
    public StorageSettings Bind(ParseResult result)
    {
        var builder = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(Environment.CurrentDirectory, "appsettings.json"), optional: true)
            .AddEnvironmentVariables();
        if (result.GetValue(Config) is { } file)
        {
            builder.AddJsonFile(Path.GetFullPath(file), optional: false);
        }

        var overrides = new Dictionary<string, string?>();
        Set(overrides, "Estuary:DataDir", result.GetValue(DataDir));
        Set(overrides, "Estuary:Storage:Provider", result.GetValue(Provider));
        Set(overrides, "Estuary:Storage:ConnectionString", result.GetValue(ConnectionString));
        var configuration = builder.AddInMemoryCollection(overrides).Build();
        var options = new EstuaryOptions();
        configuration.GetSection("Estuary").Bind(options);
        var storage = new StorageOptions();
        configuration.GetSection("Estuary:Storage").Bind(storage);
        return new StorageSettings(configuration, Path.GetFullPath(options.DataDir), storage);
    }

    /// <summary>
    /// Opens the configured store of a server that has run before: a missing SQLite file is reported on
    /// <paramref name="error"/> (null returned) rather than created empty. A SQLite data folder is tightened first.
    /// </summary>
    public static async Task<IEstuaryStore?> OpenExistingAsync(StorageSettings settings, string verb, TextWriter error, CancellationToken cancellationToken)
    {
        if (settings.IsSqlite)
        {
            var database = settings.Storage.SqlitePath(settings.DataDir);
            if (!File.Exists(database))
            {
                await error.WriteLineAsync($"{verb}: no database at {database} (use --data-dir, or --provider/--connection-string or --config for PostgreSQL)");
                return null;
            }

            DataFolder.Secure(settings.DataDir, error);
        }

        return await EstuaryStores.OpenAsync(settings.Storage, settings.DataDir, cancellationToken);
    }

    private static void Set(Dictionary<string, string?> overrides, string key, string? value)
    {
        if (value is not null)
        {
            overrides[key] = value;
        }
    }
}
