using Estuary.Storage.Postgres;
using Estuary.Storage.Sqlite;

namespace Estuary.Storage;

/// <summary>Opens the configured store; opening applies pending schema migrations.</summary>
public static class EstuaryStores
{
    public static async Task<IEstuaryStore> OpenAsync(StorageOptions options, string dataDir, CancellationToken cancellationToken = default)
    {
        if (options.NormalizedProvider == StorageOptions.Postgres)
        {
            if (string.IsNullOrWhiteSpace(options.ConnectionString))
            {
                throw new ArgumentException("Estuary:Storage:ConnectionString is required when Estuary:Storage:Provider is postgres");
            }

            return await PostgresStore.OpenAsync(options.ConnectionString, options.GroupCommit, cancellationToken);
        }

        return await SqliteStore.OpenAsync(options.SqlitePath(dataDir), cancellationToken);
    }

    /// <summary>Applies pending migrations and returns the schema version before and after.</summary>
    public static Task<(int From, int To)> MigrateAsync(StorageOptions options, string dataDir, CancellationToken cancellationToken = default) =>
        options.NormalizedProvider == StorageOptions.Postgres
            ? PostgresStore.MigrateAsync(options.ConnectionString ?? throw new ArgumentException("Estuary:Storage:ConnectionString is required when Estuary:Storage:Provider is postgres"), cancellationToken)
            : SqliteStore.MigrateFileAsync(options.SqlitePath(dataDir), cancellationToken);
}
