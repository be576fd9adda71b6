using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>
/// Statements the writer runs for every enrollment, prepared once per connection. Compiling the certificate insert
/// (fifteen columns, six indexes and the search-queue trigger) each time cost more than running it; a SqliteCommand
/// keeps its compiled statement while its text is unchanged, so the writer keeps one command per text.
/// </summary>
public sealed partial class SqliteStore
{
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Prepared = new();

    /// <summary>
    /// The connection's command for <paramref name="sql"/>, its parameters cleared, in <paramref name="transaction"/>.
    /// Only for the writer connection (one thread at a time), and never disposed by the caller: the connection owns it.
    /// </summary>
    private static SqliteCommand WriterStatement(SqliteConnection connection, SqliteTransaction transaction, string sql)
    {
        var commands = Prepared.GetOrCreateValue(connection);
        if (!commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            commands[sql] = command;
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }
}
