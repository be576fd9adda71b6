using System.CommandLine;
using Estuary.Ca;
using Estuary.Storage;

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
        var storage = new StorageFlags();
        var migrate = new Command("migrate", "Apply pending schema migrations and exit.");
        storage.AddTo(migrate);
        migrate.SetAction(async (result, cancellationToken) =>
        {
            try
            {
                var settings = storage.Bind(result);
                var folder = settings.DataDir;
                if (settings.IsSqlite)
                {
                    DataFolder.Secure(folder, Console.Error);
                }

                var (from, to) = await EstuaryStores.MigrateAsync(settings.Storage, folder, cancellationToken);
                Console.WriteLine(from == to
                    ? $"estuary db migrate: {settings.Storage.Describe(folder)} is at schema version {to}; nothing to do"
                    : $"estuary db migrate: {settings.Storage.Describe(folder)} migrated from schema version {from} to {to}");
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
}
