using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Estuary.Storage.Sqlite;

/// <summary>The console's records (<see cref="IManagementStore"/>): each change commits with its audit event.</summary>
public sealed partial class SqliteStore : IManagementStore
{
    public Task<IReadOnlyList<StoredDefinition>> ListTemplatesAsync(CancellationToken cancellationToken) =>
        ListDefinitionsAsync("templates", cancellationToken);

    public Task UpsertTemplateAsync(StoredDefinition template, AuditEvent audit, CancellationToken cancellationToken) =>
        UpsertDefinitionAsync("templates", template, audit);

    public Task<bool> DeleteTemplateAsync(string name, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM templates WHERE name = $a", audit, name);

    public Task<IReadOnlyList<StoredDefinition>> ListAdaptersAsync(CancellationToken cancellationToken) =>
        ListDefinitionsAsync("adapters", cancellationToken);

    public Task UpsertAdapterAsync(StoredDefinition adapter, AuditEvent audit, CancellationToken cancellationToken) =>
        UpsertDefinitionAsync("adapters", adapter, audit);

    public Task<bool> DeleteAdapterAsync(string name, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM adapters WHERE name = $a", audit, name);

    public async Task<IReadOnlyList<EstAccount>> ListAccountsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, password_hash, enabled, created_at FROM accounts ORDER BY username";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<EstAccount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new EstAccount
            {
                Username = reader.GetString(0),
                PasswordHash = reader.GetString(1),
                Enabled = reader.GetInt64(2) != 0,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
            });
        }

        return list;
    }

    public async Task<bool> CreateAccountAsync(EstAccount account, IReadOnlyCollection<string> groups, AuditEvent audit, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync((connection, transaction) =>
            {
                Execute(connection, transaction, "INSERT INTO accounts (username, password_hash, enabled, created_at) VALUES ($a, $b, $c, $d)",
                    account.Username, account.PasswordHash, account.Enabled ? 1 : 0, account.CreatedAt.ToUnixTimeMilliseconds());
                WriteGroups(connection, transaction, account.Username, groups);
                InsertAudit(connection, transaction, audit);
                return true;
            });
        }
        catch (DuplicateSerialException)
        {
            return false; // the unique key that failed is the username
        }
    }

    public Task<bool> SetAccountEnabledAsync(string username, bool enabled, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE accounts SET enabled = $b WHERE username = $a", audit, username, enabled ? 1 : 0);

    public Task<bool> SetAccountPasswordAsync(string username, string passwordHash, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE accounts SET password_hash = $b WHERE username = $a", audit, username, passwordHash);

    public Task<bool> SetAccountGroupsAsync(string username, IReadOnlyCollection<string> groups, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            if (Scalar(connection, transaction, "SELECT COUNT(*) FROM accounts WHERE username = $a", username) == 0)
            {
                return false;
            }

            Execute(connection, transaction, "DELETE FROM account_groups WHERE username = $a", username);
            WriteGroups(connection, transaction, username, groups);
            InsertAudit(connection, transaction, audit);
            return true;
        });

    public async Task<IReadOnlyList<string>> GetAccountGroupsAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_name FROM account_groups WHERE username = $u ORDER BY group_name";
        command.Parameters.AddWithValue("$u", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllAccountGroupsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT username, group_name FROM account_groups ORDER BY username, group_name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            var user = reader.GetString(0);
            if (!map.TryGetValue(user, out var list))
            {
                map[user] = list = [];
            }

            list.Add(reader.GetString(1));
        }

        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
    }

    public async Task<AdminUser?> FindAdminAsync(string username, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {AdminColumns} FROM admin_users WHERE username = $u";
        command.Parameters.AddWithValue("$u", username);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadAdmin(reader) : null;
    }

    public async Task<long> CountAdminsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM admin_users";
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<bool> InsertAdminAsync(AdminUser admin, AuditEvent audit, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync((connection, transaction) =>
            {
                Execute(connection, transaction, "INSERT INTO admin_users (username, password_hash, failed_logins, locked_until, created_at, enabled, security_stamp, role) VALUES ($a, $b, 0, NULL, $c, $d, $e, $f)",
                    admin.Username, admin.PasswordHash, admin.CreatedAt.ToUnixTimeMilliseconds(), admin.Enabled ? 1 : 0, admin.SecurityStamp, AdminRoles.Name(admin.Role));
                InsertAudit(connection, transaction, audit);
                return true;
            });
        }
        catch (DuplicateSerialException)
        {
            return false;
        }
    }

    public Task InsertApiKeyAsync(ApiKeyRecord key, AuditEvent audit, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction, "INSERT INTO api_keys (id, name, role, secret_hash, created_at, created_by, expires_at, last_used_at) VALUES ($a, $b, $c, $d, $e, $f, $g, $h)",
                key.Id, key.Name, AdminRoles.Name(key.Role), key.SecretHash, key.CreatedAt.ToUnixTimeMilliseconds(), key.CreatedBy,
                key.ExpiresAt?.ToUnixTimeMilliseconds(), key.LastUsedAt?.ToUnixTimeMilliseconds());
            InsertAudit(connection, transaction, audit);
            return true;
        });

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string id, CancellationToken cancellationToken)
    {
        var found = await ReadApiKeysAsync("WHERE id = $a", id, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        ReadApiKeysAsync("", null, cancellationToken);

    public Task<bool> DeleteApiKeyAsync(string id, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM api_keys WHERE id = $a", audit, id);

    public Task RecordApiKeyUseAsync(string id, DateTimeOffset usedAt, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        WriteAsync((connection, transaction) => Execute(connection, transaction,
            "UPDATE api_keys SET last_used_at = $b WHERE id = $a AND (last_used_at IS NULL OR last_used_at < $c)",
            id, usedAt.ToUnixTimeMilliseconds(), staleBefore.ToUnixTimeMilliseconds()));

    public async Task<IReadOnlyList<CertificateRecord>> SearchCertificatesAsync(CertificateQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        BuildSearch(command, query);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<CertificateRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(ReadCertificate(reader));
        }

        return list;
    }

    /// <summary>The shortest text the trigram index (migrations 10, 11) can look up; shorter text is matched row by row.</summary>
    internal const int IndexedTextLength = 3;

    /// <summary>
    /// The certificate search, newest first. Which index answers it is chosen here rather than left to statistics the
    /// server never gathers (SqliteCertificateSearchPlanTests reads the plans at a million rows):
    /// text of three characters or more is looked up in the trigram index (certificate_text), and only the
    /// certificates holding it are read and sorted; otherwise the newest-first walk of an index in issued_at order
    /// (certificates_label_issued for a label, certificates_revoked_issued for revoked ones, certificates_issued_status
    /// else, whose not_after and revoked_at decide the status without reading the row) stops at the limit. Unary + keeps not_after comparisons off the not_after index, which would read a third
    /// of the table before sorting it, except for the bounded window of "valid and expiring before" (the dashboard).
    /// </summary>
    internal static void BuildSearch(SqliteCommand command, CertificateQuery query)
    {
        var where = new StringBuilder("WHERE 1=1");
        var from = "certificates";
        var now = query.Now.ToUnixTimeMilliseconds();
        command.Parameters.AddWithValue("$now", now);
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = query.Text.Trim();
            // The LIKE keeps the search's meaning exact (ASCII case-insensitive substring, wildcards literal); the
            // trigram index only narrows which rows it is tried on.
            where.Append(" AND (subject LIKE $text ESCAPE '\\' OR sans LIKE $text ESCAPE '\\' OR serial LIKE $text ESCAPE '\\')");
            command.Parameters.AddWithValue("$text", Like(text));
            if (text.Length >= IndexedTextLength)
            {
                // An FTS5 phrase: with the trigram tokenizer, a case-insensitive substring; only " is special in it.
                // The serials still queued for the index (migration 11, at most about a second of enrollments) are
                // candidates too: the LIKE above decides for them as for the index's hits.
                from = "(SELECT serial AS hit FROM certificate_text WHERE certificate_text MATCH $phrase UNION ALL SELECT serial FROM certificate_text_pending) CROSS JOIN certificates ON certificates.serial = hit";
                command.Parameters.AddWithValue("$phrase", "\"" + text.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"");
            }
        }

        if (query.Label is not null)
        {
            where.Append(" AND label = $label");
            command.Parameters.AddWithValue("$label", query.Label);
        }

        if (!string.IsNullOrWhiteSpace(query.RequestedBy))
        {
            where.Append(" AND requested_by LIKE $by ESCAPE '\\'");
            command.Parameters.AddWithValue("$by", Like(query.RequestedBy.Trim()));
        }

        var window = query.Status == "valid" && query.ExpiresBefore is not null;
        switch (query.Status)
        {
            case "valid":
                where.Append(window ? " AND revoked_at IS NULL AND not_after > $now" : " AND revoked_at IS NULL AND +not_after > $now");
                break;
            case "expired":
                where.Append(" AND revoked_at IS NULL AND +not_after <= $now");
                break;
            case "revoked":
                where.Append(" AND revoked_at IS NOT NULL");
                break;
        }

        if (query.ExpiresBefore is { } before)
        {
            where.Append(window ? " AND not_after < $before" : " AND +not_after < $before");
            command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
        }

        if (query.IssuedSince is { } since)
        {
            where.Append(" AND issued_at >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        command.CommandText = window && from == "certificates"
            // The window's newest are chosen from certificates_valid_not_after alone (migration 14), then only they are
            // read: sorting the window's whole rows (their DER too) had cost 143 ms at a million.
            ? $"SELECT {CertificateColumns} FROM certificates WHERE serial IN (SELECT serial FROM certificates {where} ORDER BY issued_at DESC, serial LIMIT $limit) ORDER BY issued_at DESC, serial"
            : $"SELECT {CertificateColumns} FROM {from} {where} ORDER BY issued_at DESC, serial LIMIT $limit";
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 10_000));
    }

    internal const string CountIssuedSql = "SELECT issued_at / 86400000, label, COUNT(*) FROM certificates WHERE issued_at >= $since GROUP BY issued_at / 86400000, +label";

    public async Task<IReadOnlyList<IssuedCount>> CountIssuedAsync(DateTimeOffset since, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        // A range of certificates_issued_status alone (migrations 10, 14): no certificate row is touched. The unary + keeps
        // the planner from reading all of certificates_label_issued instead, for its label order.
        command.CommandText = CountIssuedSql;
        command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<IssuedCount>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new IssuedCount(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(reader.GetInt64(0))), reader.GetString(1), reader.GetInt32(2)));
        }

        return list;
    }

    public async Task<long> CountCertificatesForLabelsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken)
    {
        long total = 0;
        await using var connection = await OpenReaderAsync(cancellationToken);
        foreach (var label in labels)
        {
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT COUNT(*) FROM certificates WHERE label = $label";
            command.Parameters.AddWithValue("$label", label);
            total += (long)(await command.ExecuteScalarAsync(cancellationToken))!;
        }

        return total;
    }

    public async Task<IReadOnlyList<AuditEvent>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        var where = new StringBuilder("WHERE 1=1");
        if (AuditQuery.KindRange(query.KindPrefix) is { } kinds)
        {
            // A range of audit_kind_time: LIKE (case-insensitive) cannot use that index, and the dashboard's week of
            // "est.refused" then read the whole audit log (a million rows at scale: docs/BENCHMARKS.md).
            where.Append(" AND kind >= $kindFrom AND kind < $kindTo");
            command.Parameters.AddWithValue("$kindFrom", kinds.From);
            command.Parameters.AddWithValue("$kindTo", kinds.To);
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            where.Append(" AND (actor LIKE $text ESCAPE '\\' OR detail LIKE $text ESCAPE '\\')");
            command.Parameters.AddWithValue("$text", Like(query.Text.Trim()));
        }

        if (query.Since is { } since)
        {
            where.Append(" AND time >= $since");
            command.Parameters.AddWithValue("$since", since.ToUnixTimeMilliseconds());
        }

        command.CommandText = $"SELECT time, kind, actor, detail FROM audit {where} ORDER BY id DESC LIMIT $limit";
        command.Parameters.AddWithValue("$limit", Math.Clamp(query.Limit, 1, 10_000));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<AuditEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new AuditEvent(DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2), reader.GetString(3)));
        }

        return list;
    }

    private async Task<IReadOnlyList<StoredDefinition>> ListDefinitionsAsync(string table, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT name, definition, updated_at, updated_by FROM {table} ORDER BY name";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<StoredDefinition>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new StoredDefinition(reader.GetString(0), reader.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)), reader.GetString(3)));
        }

        return list;
    }

    private Task UpsertDefinitionAsync(string table, StoredDefinition definition, AuditEvent audit) =>
        WriteAsync((connection, transaction) =>
        {
            Execute(connection, transaction,
                $"INSERT INTO {table} (name, definition, updated_at, updated_by) VALUES ($a, $b, $c, $d) ON CONFLICT(name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
                definition.Name, definition.Json, definition.UpdatedAt.ToUnixTimeMilliseconds(), definition.UpdatedBy);
            InsertAudit(connection, transaction, audit);
            return true;
        });

    private async Task<IReadOnlyList<ApiKeyRecord>> ReadApiKeysAsync(string where, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT id, name, role, secret_hash, created_at, created_by, expires_at, last_used_at FROM api_keys {where} ORDER BY created_at";
        if (id is not null)
        {
            command.Parameters.AddWithValue("$a", id);
        }

        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(new ApiKeyRecord
            {
                Id = reader.GetString(0),
                Name = reader.GetString(1),
                Role = AdminRoles.FromStored(reader.GetString(2)),
                SecretHash = reader.GetString(3),
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4)),
                CreatedBy = reader.GetString(5),
                ExpiresAt = reader.IsDBNull(6) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(6)),
                LastUsedAt = reader.IsDBNull(7) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7)),
            });
        }

        return list;
    }

    /// <summary>Runs one statement with parameters $a, $b, …; when it changes a row, records the audit event too.</summary>
    private Task<bool> ChangeAsync(string sql, AuditEvent audit, params object?[] values) =>
        WriteAsync((connection, transaction) =>
        {
            if (Execute(connection, transaction, sql, values) == 0)
            {
                return false;
            }

            InsertAudit(connection, transaction, audit);
            return true;
        });

    private static int Execute(SqliteConnection connection, SqliteTransaction transaction, string sql, params object?[] values)
    {
        using var command = Command(connection, transaction, sql, values);
        return command.ExecuteNonQuery();
    }

    private static long Scalar(SqliteConnection connection, SqliteTransaction transaction, string sql, params object?[] values)
    {
        using var command = Command(connection, transaction, sql, values);
        return Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction transaction, string sql, object?[] values)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters.AddWithValue("$" + (char)('a' + i), values[i] ?? DBNull.Value);
        }

        return command;
    }

    private static void WriteGroups(SqliteConnection connection, SqliteTransaction transaction, string username, IReadOnlyCollection<string> groups)
    {
        foreach (var group in groups.Distinct(StringComparer.Ordinal))
        {
            Execute(connection, transaction, "INSERT INTO account_groups (username, group_name) VALUES ($a, $b)", username, group);
        }
    }

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string Like(string s) => "%" + Escape(s) + "%";
}
