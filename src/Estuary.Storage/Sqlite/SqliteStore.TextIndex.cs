using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>
/// The trigram search index (certificate_text, migrations 10 and 11) is filled in batches: an enrollment's transaction
/// only queues its serial in certificate_text_pending, and the writer moves the queue into the index here. One FTS5
/// insert per certificate cost a new index segment per group commit plus the merging of segments, inside the
/// enrollment; a batch of thousands costs one segment. A search reads the queue as well
/// (<see cref="BuildSearch"/>), so nothing is ever missing from its answers while it waits.
/// </summary>
public sealed partial class SqliteStore
{
    /// <summary>How long a serial may wait in the queue while the store is writing or idle.</summary>
    private static readonly TimeSpan TextIndexInterval = TimeSpan.FromSeconds(1);

    /// <summary>Rows moved per transaction: large enough for one segment per batch, small enough not to hold writes for long.</summary>
    private const int TextIndexBatch = 20_000;

    /// <summary>
    /// Moves every queued serial into the trigram index through the writer, <see cref="TextIndexBatch"/> rows per
    /// transaction; for tools that wrote certificates directly (the seeder) and for tests. Returns how many moved.
    /// </summary>
    public async Task<int> IndexPendingTextAsync()
    {
        var total = 0;
        int moved;
        do
        {
            moved = await WriteAsync((connection, transaction) => MovePendingText(connection, transaction, TextIndexBatch));
            total += moved;
        }
        while (moved == TextIndexBatch);

        return total;
    }

    /// <summary>
    /// The writer loop's own round: up to <paramref name="limit"/> queued serials in one transaction; returns how many
    /// moved. A failure leaves the queue as it was (the next round tries again), and searches still find queued rows.
    /// </summary>
    private int IndexPendingText(int limit)
    {
        try
        {
            using var transaction = _writer.BeginTransaction(deferred: false);
            var moved = MovePendingText(_writer, transaction, limit);
            transaction.Commit();
            return moved;
        }
        catch (SqliteException)
        {
            return 0;
        }
    }

    /// <summary>The lowest serials of the queue (its primary key order), the same rows for both statements of the transaction.</summary>
    private static int MovePendingText(SqliteConnection connection, SqliteTransaction transaction, int limit)
    {
        // The new index rows are those above the highest rowid now (FTS5 numbers a new row max + 1); their serials and
        // rowids go into certificate_text_rowid, which the delete trigger reads (migration 15).
        using var last = connection.CreateCommand();
        last.Transaction = transaction;
        last.CommandText = "SELECT rowid FROM certificate_text ORDER BY rowid DESC LIMIT 1";
        var before = last.ExecuteScalar() is long rowid ? rowid : 0L;
        using var move = connection.CreateCommand();
        move.Transaction = transaction;
        move.CommandText = """
            INSERT INTO certificate_text (serial, subject, sans)
                SELECT c.serial, c.subject, c.sans
                FROM (SELECT serial FROM certificate_text_pending ORDER BY serial LIMIT $limit) AS p
                JOIN certificates AS c ON c.serial = p.serial;
            INSERT OR REPLACE INTO certificate_text_rowid (serial, text_rowid) SELECT serial, rowid FROM certificate_text WHERE rowid > $before;
            DELETE FROM certificate_text_pending WHERE serial IN (SELECT serial FROM certificate_text_pending ORDER BY serial LIMIT $limit);
            SELECT changes();
            """;
        move.Parameters.AddWithValue("$limit", limit);
        move.Parameters.AddWithValue("$before", before);
        return Convert.ToInt32(move.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
