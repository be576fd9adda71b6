namespace Estuary.Storage;

/// <summary>Where Estuary keeps its records (configuration section "Estuary:Storage").</summary>
public sealed class StorageOptions
{
    public const string Sqlite = "sqlite";
    public const string Postgres = "postgres";

    /// <summary>"sqlite" (default: one file in the data folder, one node) or "postgres" (several nodes).</summary>
    public string Provider { get; set; } = Sqlite;

    /// <summary>
    /// SQLite: the database file (default DATA_DIR/estuary.db). PostgreSQL: an Npgsql connection string,
    /// e.g. "Host=db1,db2;Database=estuary;Username=estuary;Target Session Attributes=primary".
    /// </summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// Commit concurrent writes of this node together in one transaction (one WAL flush for many
    /// requests). Durability is the same either way: a write's task completes only after its commit.
    /// </summary>
    public bool GroupCommit { get; set; } = true;

    /// <summary>The provider name, validated.</summary>
    public string NormalizedProvider => Provider.Trim().ToLowerInvariant() switch
    {
        "sqlite" or "" => Sqlite,
        "postgres" or "postgresql" or "npgsql" => Postgres,
        _ => throw new ArgumentException($"Estuary:Storage:Provider '{Provider}' must be sqlite or postgres"),
    };

    /// <summary>A short description for start-up output, without any password.</summary>
    public string Describe(string dataDir) => NormalizedProvider == Postgres
        ? "PostgreSQL " + Estuary.Storage.Postgres.PostgresStore.DescribeConnection(ConnectionString!)
        : "SQLite " + SqlitePath(dataDir);

    public string SqlitePath(string dataDir) => string.IsNullOrWhiteSpace(ConnectionString) ? Path.Combine(dataDir, "estuary.db") : Path.GetFullPath(ConnectionString);
}
