using System.Security.Cryptography;
using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>
/// Abuse limits that every node shares (<see cref="ILimitStore"/>, migration 10): token buckets in the UNLOGGED
/// table rate_buckets and failed-login counts in login_failures. The database's clock (now()) decides, so nodes
/// whose clocks differ still count in one time. Not through the group-commit writer: each is one autocommit
/// statement whose answer the caller needs.
/// </summary>
public sealed partial class PostgresStore : ILimitStore
{
    /// <summary>Longer keys (and any with NUL, which text cannot hold) are stored as a digest: a B-tree entry has a size limit.</summary>
    private const int MaxKeyLength = 200;

    public Task<TimeSpan?> TakeTokensAsync(IReadOnlyList<TokenBucket> buckets, CancellationToken cancellationToken) =>
        buckets.Count == 0
            ? Task.FromResult<TimeSpan?>(null)
            : QueryAsync(
                "SELECT estuary_take_tokens($1, $2, $3)",
                p =>
                {
                    p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = buckets.Select(b => LimitKey(b.Key)).ToArray() });
                    p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Interval, Value = buckets.Select(b => b.PerToken).ToArray() });
                    p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Interval, Value = buckets.Select(b => b.BurstTolerance).ToArray() });
                },
                ReadWaitAsync,
                cancellationToken);

    /// <summary>A row whose expires_at has passed counts nothing (the next failure starts a new window; the purge deletes it).</summary>
    public Task<LoginFailureState> LoginFailuresAsync(string username, string address, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            SELECT CASE WHEN locked_until > now() THEN locked_until - now() END
            FROM login_failures WHERE username = $1 AND address = $2 AND expires_at > now()
            """,
            p =>
            {
                p.Add(Text(LimitKey(username)));
                p.Add(Text(LimitKey(address)));
            },
            async (r, ct) => await r.ReadAsync(ct)
                ? new LoginFailureState(r.IsDBNull(0) ? null : r.GetFieldValue<TimeSpan>(0), Counted: true)
                : default,
            cancellationToken);

    /// <summary>
    /// One upsert, so that concurrent failures on several nodes each count (the row is locked while it is updated).
    /// A window that has run out starts again at this failure; the lock is set by the failure that reaches the limit.
    /// </summary>
    public Task<TimeSpan?> RecordLoginFailureAsync(string username, string address, int maxFailures, TimeSpan window, TimeSpan lockout, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            INSERT INTO login_failures AS f (username, address, window_start, failures, locked_until, expires_at)
            VALUES ($1, $2, now(), 1, CASE WHEN 1 >= $3 THEN now() + $5 END, greatest(now() + $4, CASE WHEN 1 >= $3 THEN now() + $5 END))
            ON CONFLICT (username, address) DO UPDATE SET
                failures = CASE WHEN now() - f.window_start > $4 THEN 1 ELSE f.failures + 1 END,
                window_start = CASE WHEN now() - f.window_start > $4 THEN now() ELSE f.window_start END,
                locked_until = CASE WHEN (CASE WHEN now() - f.window_start > $4 THEN 1 ELSE f.failures + 1 END) >= $3 THEN now() + $5 ELSE f.locked_until END,
                expires_at = greatest(
                    (CASE WHEN now() - f.window_start > $4 THEN now() ELSE f.window_start END) + $4,
                    CASE WHEN (CASE WHEN now() - f.window_start > $4 THEN 1 ELSE f.failures + 1 END) >= $3 THEN now() + $5 ELSE f.locked_until END)
            RETURNING CASE WHEN locked_until > now() THEN locked_until - now() END
            """,
            p =>
            {
                p.Add(Text(LimitKey(username)));
                p.Add(Text(LimitKey(address)));
                p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Integer, Value = maxFailures });
                p.Add(Interval(window));
                p.Add(Interval(lockout));
            },
            ReadWaitAsync,
            cancellationToken);

    public Task ClearLoginFailuresAsync(string username, string address, CancellationToken cancellationToken) =>
        QueryAsync(
            "DELETE FROM login_failures WHERE username = $1 AND address = $2",
            p =>
            {
                p.Add(Text(LimitKey(username)));
                p.Add(Text(LimitKey(address)));
            },
            (r, _) => Task.FromResult(r.RecordsAffected),
            cancellationToken);

    /// <summary>A bucket whose arrival time has passed is full, and an expired count is none: both mean what no row means.</summary>
    public Task<int> PurgeLimitsAsync(CancellationToken cancellationToken) =>
        QueryAsync(
            """
            WITH buckets AS (DELETE FROM rate_buckets WHERE tat < now() RETURNING 1),
                 failures AS (DELETE FROM login_failures WHERE expires_at < now() RETURNING 1)
            SELECT (SELECT count(*) FROM buckets) + (SELECT count(*) FROM failures)
            """,
            null,
            async (r, ct) => await r.ReadAsync(ct) ? (int)r.GetInt64(0) : 0,
            cancellationToken);

    private static async Task<TimeSpan?> ReadWaitAsync(NpgsqlDataReader reader, CancellationToken cancellationToken) =>
        await reader.ReadAsync(cancellationToken) && !reader.IsDBNull(0) ? reader.GetFieldValue<TimeSpan>(0) : null;

    private static NpgsqlParameter Interval(TimeSpan value) => new() { NpgsqlDbType = NpgsqlDbType.Interval, Value = value };

    private static string LimitKey(string key) =>
        key.Length <= MaxKeyLength && !key.Contains('\0', StringComparison.Ordinal)
            ? key
            : "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));
}
