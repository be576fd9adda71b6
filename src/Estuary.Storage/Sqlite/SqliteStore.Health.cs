using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>Readiness, metrics queries and the offline migration of <see cref="SqliteStore"/>.</summary>
public sealed partial class SqliteStore
{
    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenReaderAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT 1";
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture) == 1;
        }
        catch (SqliteException)
        {
            return false;
        }
    }

    /// <summary>
    /// The query behind the <c>estuary_certificates_expiring</c> gauge, run on every /metrics scrape: a range search
    /// of the covering certificates_valid_not_after index (migration 14), so its cost follows the certificates in the
    /// window, not the table, and no certificate row is read (SqliteStoreQueryPlanTests reads the plan).
    /// </summary>
    public const string CountExpiringSql = "SELECT COUNT(*) FROM certificates WHERE not_after > $from AND not_after <= $until AND revoked_at IS NULL";

    public async Task<long> CountCertificatesExpiringAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = CountExpiringSql;
        command.Parameters.AddWithValue("$from", from.ToUnixTimeMilliseconds());
        command.Parameters.AddWithValue("$until", until.ToUnixTimeMilliseconds());
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>`estuary db migrate`: applies pending migrations to the file and returns the versions before and after.</summary>
    public static async Task<(int From, int To)> MigrateFileAsync(string path, CancellationToken cancellationToken)
    {
        var from = File.Exists(path) ? await ReadVersionAsync(path, cancellationToken) : 0;
        await using (await OpenAsync(path, cancellationToken))
        {
        }

        return (from, await ReadVersionAsync(path, cancellationToken));
    }

    private static async Task<int> ReadVersionAsync(string path, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'";
        if (await command.ExecuteScalarAsync(cancellationToken) is null)
        {
            return 0;
        }

        command.CommandText = "SELECT COALESCE(MAX(version), 0) FROM schema_version";
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }
}
