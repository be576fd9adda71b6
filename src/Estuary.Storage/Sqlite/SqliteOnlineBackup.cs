using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>What <see cref="SqliteOnlineBackup.CopyAsync"/> copied: the copy's schema version and certificate count.</summary>
public sealed record SqliteBackupCopy(int SchemaVersion, long Certificates, long Bytes);

/// <summary>
/// A consistent copy of the live database while the server keeps writing: SQLite's online backup API
/// (sqlite3_backup_init/step/finish, https://www.sqlite.org/backup.html). Copying the file with cp would race the
/// writer and miss what sits in estuary.db-wal; the backup API reads every page inside one read transaction, and
/// in WAL mode a reader neither blocks the writer nor sees its later commits, so the copy is the database exactly
/// as of one commit.
/// </summary>
public static class SqliteOnlineBackup
{
    private const int SqliteBusy = 5;
    private const int SqliteLocked = 6;
    private const int Attempts = 20;

    /// <summary>The newest schema version this build knows; a copy from a newer Estuary is not restorable by it.</summary>
    public static int SupportedSchemaVersion => SqliteSchema.Migrations.Length;

    /// <summary>
    /// Copies the database at <paramref name="source"/> (which must exist) into a new file <paramref name="destination"/>
    /// (created 0600), checks the copy (PRAGMA quick_check) and reads its schema version.
    /// </summary>
    /// <exception cref="FileNotFoundException">No database at <paramref name="source"/>.</exception>
    /// <exception cref="SqliteException">SQLite could not read the source or the copy is damaged.</exception>
    public static async Task<SqliteBackupCopy> CopyAsync(string source, string destination, CancellationToken cancellationToken)
    {
        if (!File.Exists(source))
        {
            throw new FileNotFoundException($"no database at {source}", source);
        }

        CreateOwnerOnly(destination);
        // ReadWrite, not ReadOnly: a read-only connection cannot create estuary.db-shm when the server is stopped,
        // and the backup itself writes nothing to the source. No pooling, so the files are closed when we return.
        await using (var from = await OpenAsync(source, SqliteOpenMode.ReadWrite, cancellationToken))
        await using (var to = await OpenAsync(destination, SqliteOpenMode.ReadWrite, cancellationToken))
        {
            await StepAsync(from, to, cancellationToken);
        }

        await using var copy = await OpenAsync(destination, SqliteOpenMode.ReadWrite, cancellationToken);
        var check = Convert.ToString(await ScalarAsync(copy, "PRAGMA quick_check", cancellationToken), CultureInfo.InvariantCulture);
        if (check != "ok")
        {
            throw new InvalidDataException($"the copy of {source} failed SQLite's quick_check: {check}");
        }

        var version = Convert.ToInt32(await ScalarAsync(copy, "SELECT COALESCE(MAX(version), 0) FROM schema_version", cancellationToken), CultureInfo.InvariantCulture);
        var certificates = Convert.ToInt64(await ScalarAsync(copy, "SELECT COUNT(*) FROM certificates", cancellationToken), CultureInfo.InvariantCulture);
        await copy.CloseAsync();
        return new SqliteBackupCopy(version, certificates, new FileInfo(destination).Length);
    }

    /// <summary>
    /// Raises every issuer's CRL number to at least <paramref name="floor"/> in a restored copy. RFC 5280 §5.2.3
    /// wants CRL numbers to only increase, and the server that was backed up may have published CRLs after the
    /// copy; a restore that went on counting from the copy's numbers would publish those numbers again over
    /// different contents. Gaps are allowed, so the restore jumps ahead (to the restore time in Unix seconds).
    /// </summary>
    public static async Task AdvanceCrlNumbersAsync(string database, long floor, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await OpenAsync(database, SqliteOpenMode.ReadWrite, cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "UPDATE crl_numbers SET number = MAX(number, $floor)";
            command.Parameters.AddWithValue("$floor", floor);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (SqliteException e)
        {
            throw new IOException($"{database}: could not advance the CRL numbers: {e.Message}", e);
        }
    }

    private static async Task StepAsync(SqliteConnection from, SqliteConnection to, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // One step of all pages (-1): the whole copy happens inside one read transaction on the source.
                from.BackupDatabase(to);
                return;
            }
            catch (SqliteException e) when (e.SqliteErrorCode is SqliteBusy or SqliteLocked && attempt < Attempts)
            {
                // The source is briefly locked (WAL recovery after a crash, a checkpoint truncating the WAL): try again.
                await Task.Delay(TimeSpan.FromMilliseconds(50 * attempt), cancellationToken);
            }
        }
    }

    private static async Task<SqliteConnection> OpenAsync(string path, SqliteOpenMode mode, CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = mode, Pooling = false, DefaultTimeout = 30 }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var busy = connection.CreateCommand();
        busy.CommandText = "PRAGMA busy_timeout=30000";
        await busy.ExecuteNonQueryAsync(cancellationToken);
        return connection;
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    /// <summary>The copy holds every CSR and password hash: 0600 from the start, never readable by others.</summary>
    private static void CreateOwnerOnly(string path)
    {
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var created = new FileStream(path, options);
    }
}
