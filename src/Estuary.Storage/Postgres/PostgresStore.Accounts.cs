using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>EST accounts (HTTP Basic) of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    public Task<EstAccount?> FindAccountAsync(string username, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT username, password_hash, enabled, created_at FROM accounts WHERE username = $1",
            p => p.Add(Text(username)),
            async (r, ct) => await r.ReadAsync(ct)
                ? new EstAccount
                {
                    Username = r.GetString(0),
                    PasswordHash = r.GetString(1),
                    Enabled = r.GetBoolean(2),
                    CreatedAt = r.GetFieldValue<DateTimeOffset>(3),
                }
                : null,
            cancellationToken);

    public Task<bool> InsertAccountAsync(EstAccount account, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var insert = new NpgsqlBatchCommand("INSERT INTO accounts (username, password_hash, enabled, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (username) DO NOTHING");
                insert.Parameters.Add(Text(account.Username));
                insert.Parameters.Add(Text(account.PasswordHash));
                insert.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = account.Enabled });
                insert.Parameters.Add(Time(account.CreatedAt));
                batch.BatchCommands.Add(insert);
            },
            statements => statements[0].RecordsAffected == 1,
            cancellationToken);
}
