namespace Estuary.Storage.Postgres;

/// <summary>Administrators' login state in <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    /// <summary>
    /// One statement counts the failure, decides the lock and records the audit event: PostgreSQL re-reads a
    /// row that a concurrent UPDATE changed before applying this one (READ COMMITTED), so every concurrent
    /// failure counts. Not through the group-commit writer, which reads no RETURNING values; the statement
    /// commits on its own (autocommit, synchronous_commit on) before the reader is closed.
    /// </summary>
    public Task<AdminLoginState?> RecordAdminLoginFailureAsync(string username, int maxFailures, DateTimeOffset lockUntil, AuditEvent failed, AuditEvent locked, CancellationToken cancellationToken) =>
        QueryAsync(
            """
            WITH u AS (
                UPDATE admin_users SET
                    failed_logins = CASE WHEN failed_logins + 1 >= $2 THEN 0 ELSE failed_logins + 1 END,
                    locked_until = CASE WHEN failed_logins + 1 >= $2 THEN $3 ELSE locked_until END
                WHERE username = $1
                RETURNING failed_logins, locked_until),
            a AS (
                INSERT INTO audit (time, kind, actor, detail)
                SELECT $4, $5, $6, $7 FROM u WHERE u.failed_logins <> 0
                UNION ALL
                SELECT $8, $9, $10, $11 FROM u WHERE u.failed_logins = 0)
            SELECT failed_logins, locked_until FROM u
            """,
            p =>
            {
                p.Add(Text(username));
                p.Add(Integer(maxFailures));
                p.Add(Time(lockUntil));
                AddAuditParameters(p, failed);
                AddAuditParameters(p, locked);
            },
            async (r, ct) =>
            {
                if (!await r.ReadAsync(ct))
                {
                    return null;
                }

                var failures = r.GetInt32(0);
                return new AdminLoginState(failures, r.IsDBNull(1) ? null : r.GetFieldValue<DateTimeOffset>(1), LockedNow: failures == 0);
            },
            cancellationToken);

    public Task<bool> RecordAdminLoginSuccessAsync(string username, DateTimeOffset now, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            "UPDATE admin_users SET failed_logins = 0, locked_until = NULL WHERE username = $1 AND (locked_until IS NULL OR locked_until <= $2)",
            [Text(username), Time(now)],
            audit,
            cancellationToken);
}
