using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>Administrators of <see cref="SqliteStore"/>: login state, list, enable/disable, new password, security stamp.</summary>
public sealed partial class SqliteStore
{
    private const string AdminColumns = "username, password_hash, failed_logins, locked_until, created_at, enabled, security_stamp, role";

    // One UPDATE counts the failure and decides the lock from the row's own value (read and written under the
    // writer's lock), so concurrent wrong passwords cannot each read the same old count.
    public Task<AdminLoginState?> RecordAdminLoginFailureAsync(string username, int maxFailures, DateTimeOffset lockUntil, AuditEvent failed, AuditEvent locked, CancellationToken cancellationToken) =>
        WriteAsync<AdminLoginState?>((connection, transaction) =>
        {
            using var command = Command(connection, transaction,
                """
                UPDATE admin_users SET
                    failed_logins = CASE WHEN failed_logins + 1 >= $b THEN 0 ELSE failed_logins + 1 END,
                    locked_until = CASE WHEN failed_logins + 1 >= $b THEN $c ELSE locked_until END
                WHERE username = $a
                RETURNING failed_logins, locked_until
                """,
                [username, maxFailures, lockUntil.ToUnixTimeMilliseconds()]);
            AdminLoginState state;
            using (var reader = command.ExecuteReader())
            {
                if (!reader.Read())
                {
                    return null;
                }

                var failures = reader.GetInt32(0);
                state = new AdminLoginState(failures, reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)), LockedNow: failures == 0);
            }

            InsertAudit(connection, transaction, state.LockedNow ? locked : failed);
            return state;
        });

    public Task<bool> RecordAdminLoginSuccessAsync(string username, DateTimeOffset now, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            "UPDATE admin_users SET failed_logins = 0, locked_until = NULL WHERE username = $a AND (locked_until IS NULL OR locked_until <= $b)",
            audit, username, now.ToUnixTimeMilliseconds());

    public async Task<IReadOnlyList<AdminUser>> ListAdminsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AdminColumns} FROM admin_users ORDER BY username";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AdminUser>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadAdmin(reader));
        }

        return list;
    }

    // The last-administrator rule is part of the UPDATE so that it holds whatever runs concurrently: disabling
    // an enabled administrator needs another enabled administrator (role administrator) to remain.
    public Task<bool> SetAdminEnabledAsync(string username, bool enabled, string securityStamp, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            $"UPDATE admin_users SET enabled = $b, security_stamp = $c WHERE username = $a AND ($b = 1 OR {AnotherAdministratorRemains})",
            audit, username, enabled ? 1 : 0, securityStamp);

    public Task<bool> SetAdminRoleAsync(string username, AdminRole role, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            $"UPDATE admin_users SET role = $b WHERE username = $a AND ($b = '{AdminRoles.Administrator}' OR {AnotherAdministratorRemains})",
            audit, username, AdminRoles.Name(role));

    public Task<bool> SetAdminPasswordAsync(string username, string passwordHash, string securityStamp, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE admin_users SET password_hash = $b, security_stamp = $c, failed_logins = 0, locked_until = NULL WHERE username = $a", audit, username, passwordHash, securityStamp);

    public Task<bool> SetAdminSecurityStampAsync(string username, string securityStamp, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE admin_users SET security_stamp = $b WHERE username = $a", audit, username, securityStamp);

    // True unless the row $a is an enabled administrator and no other enabled administrator exists.
    private const string AnotherAdministratorRemains =
        $"(role <> '{AdminRoles.Administrator}' OR enabled = 0 OR EXISTS (SELECT 1 FROM admin_users WHERE enabled = 1 AND role = '{AdminRoles.Administrator}' AND username <> $a))";

    private static AdminUser ReadAdmin(SqliteDataReader reader) => new()
    {
        Username = reader.GetString(0),
        PasswordHash = reader.GetString(1),
        FailedLogins = reader.GetInt32(2),
        LockedUntil = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
        CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
        Enabled = reader.GetInt64(5) != 0,
        SecurityStamp = reader.GetString(6),
        Role = AdminRoles.FromStored(reader.GetString(7)),
    };
}
