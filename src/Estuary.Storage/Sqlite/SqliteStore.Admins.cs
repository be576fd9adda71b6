namespace Estuary.Storage.Sqlite;

/// <summary>Administrator management of <see cref="SqliteStore"/>: list, enable/disable, new password.</summary>
public sealed partial class SqliteStore
{
    public async Task<IReadOnlyList<AdminUser>> ListAdminsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, password_hash, failed_logins, locked_until, created_at, enabled FROM admin_users ORDER BY username";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AdminUser>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AdminUser
            {
                Username = reader.GetString(0),
                PasswordHash = reader.GetString(1),
                FailedLogins = reader.GetInt32(2),
                LockedUntil = reader.IsDBNull(3) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                Enabled = reader.GetInt64(5) != 0,
            });
        }

        return list;
    }

    // The last-administrator rule is part of the UPDATE so that it holds whatever runs concurrently.
    public Task<bool> SetAdminEnabledAsync(string username, bool enabled, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            "UPDATE admin_users SET enabled = $b WHERE username = $a AND ($b = 1 OR EXISTS (SELECT 1 FROM admin_users WHERE enabled = 1 AND username <> $a))",
            audit, username, enabled ? 1 : 0);

    public Task<bool> SetAdminPasswordAsync(string username, string passwordHash, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE admin_users SET password_hash = $b, failed_logins = 0, locked_until = NULL WHERE username = $a", audit, username, passwordHash);
}
