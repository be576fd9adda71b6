using System.Text;
using Npgsql;
using NpgsqlTypes;

namespace Estuary.Storage.Postgres;

/// <summary>
/// The console's records (<see cref="IManagementStore"/>) in PostgreSQL, shared by every node. Each change
/// and its audit event are one statement (a data-modifying CTE) or one batch, so they commit together
/// through the group-commit writer; the audit row exists exactly when the change happened.
/// </summary>
public sealed partial class PostgresStore : IManagementStore
{
    private const string AdminColumns = "username, password_hash, failed_logins, locked_until, created_at, enabled, security_stamp, role";

    public Task<IReadOnlyList<StoredDefinition>> ListTemplatesAsync(CancellationToken cancellationToken) =>
        ListDefinitionsAsync("templates", cancellationToken);

    public Task UpsertTemplateAsync(StoredDefinition template, AuditEvent audit, CancellationToken cancellationToken) =>
        UpsertDefinitionAsync("templates", template, audit, cancellationToken);

    public Task<bool> DeleteTemplateAsync(string name, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM templates WHERE name = $1", [Text(name)], audit, cancellationToken);

    public Task<IReadOnlyList<StoredDefinition>> ListAdaptersAsync(CancellationToken cancellationToken) =>
        ListDefinitionsAsync("adapters", cancellationToken);

    public Task UpsertAdapterAsync(StoredDefinition adapter, AuditEvent audit, CancellationToken cancellationToken) =>
        UpsertDefinitionAsync("adapters", adapter, audit, cancellationToken);

    public Task<bool> DeleteAdapterAsync(string name, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM adapters WHERE name = $1", [Text(name)], audit, cancellationToken);

    public Task<IReadOnlyList<EstAccount>> ListAccountsAsync(CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT username, password_hash, enabled, created_at FROM accounts ORDER BY username",
            null,
            async (r, ct) =>
            {
                var list = new List<EstAccount>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new EstAccount
                    {
                        Username = r.GetString(0),
                        PasswordHash = r.GetString(1),
                        Enabled = r.GetBoolean(2),
                        CreatedAt = r.GetFieldValue<DateTimeOffset>(3),
                    });
                }

                return (IReadOnlyList<EstAccount>)list;
            },
            cancellationToken);

    public Task<bool> CreateAccountAsync(EstAccount account, IReadOnlyCollection<string> groups, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                // The groups and the audit row are inserted only when the account row was (a taken name inserts nothing).
                var insert = new NpgsqlBatchCommand(
                    """
                    WITH a AS (
                        INSERT INTO accounts (username, password_hash, enabled, created_at) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (username) DO NOTHING RETURNING username),
                    g AS (
                        INSERT INTO account_groups (username, group_name) SELECT a.username, x FROM a, unnest($5::text[]) AS x)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $6, $7, $8, $9 FROM a
                    """);
                var p = insert.Parameters;
                p.Add(Text(account.Username));
                p.Add(Text(account.PasswordHash));
                p.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Boolean, Value = account.Enabled });
                p.Add(Time(account.CreatedAt));
                p.Add(TextArray(groups));
                AddAuditParameters(p, audit);
                batch.BatchCommands.Add(insert);
            },
            statements => statements[0].RecordsAffected == 1,
            cancellationToken);

    public Task<bool> SetAccountEnabledAsync(string username, bool enabled, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE accounts SET enabled = $2 WHERE username = $1", [Text(username), Boolean(enabled)], audit, cancellationToken);

    public Task<bool> SetAccountPasswordAsync(string username, string passwordHash, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE accounts SET password_hash = $2 WHERE username = $1", [Text(username), Text(passwordHash)], audit, cancellationToken);

    public Task<bool> SetAccountGroupsAsync(string username, IReadOnlyCollection<string> groups, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                // Two statements of one batch (one transaction): a CTE may not delete and re-insert the same key.
                var delete = new NpgsqlBatchCommand("DELETE FROM account_groups WHERE username = $1");
                delete.Parameters.Add(Text(username));
                batch.BatchCommands.Add(delete);
                var insert = new NpgsqlBatchCommand(
                    """
                    WITH a AS (SELECT username FROM accounts WHERE username = $1),
                    g AS (INSERT INTO account_groups (username, group_name) SELECT a.username, x FROM a, unnest($2::text[]) AS x)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $3, $4, $5, $6 FROM a
                    """);
                insert.Parameters.Add(Text(username));
                insert.Parameters.Add(TextArray(groups));
                AddAuditParameters(insert.Parameters, audit);
                batch.BatchCommands.Add(insert);
            },
            statements => statements[1].RecordsAffected == 1,
            cancellationToken);

    public Task<IReadOnlyList<string>> GetAccountGroupsAsync(string username, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT group_name FROM account_groups WHERE username = $1 ORDER BY group_name",
            p => p.Add(Text(username)),
            async (r, ct) =>
            {
                var list = new List<string>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(r.GetString(0));
                }

                return (IReadOnlyList<string>)list;
            },
            cancellationToken);

    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAllAccountGroupsAsync(CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT username, group_name FROM account_groups ORDER BY username, group_name",
            null,
            async (r, ct) =>
            {
                var map = new Dictionary<string, List<string>>(StringComparer.Ordinal);
                while (await r.ReadAsync(ct))
                {
                    var user = r.GetString(0);
                    if (!map.TryGetValue(user, out var list))
                    {
                        map[user] = list = [];
                    }

                    list.Add(r.GetString(1));
                }

                return (IReadOnlyDictionary<string, IReadOnlyList<string>>)map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value, StringComparer.Ordinal);
            },
            cancellationToken);

    public async Task<AdminUser?> FindAdminAsync(string username, CancellationToken cancellationToken)
    {
        var found = await ReadAdminsAsync("WHERE username = $1", username, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public Task<IReadOnlyList<AdminUser>> ListAdminsAsync(CancellationToken cancellationToken) =>
        ReadAdminsAsync("", null, cancellationToken);

    public Task<long> CountAdminsAsync(CancellationToken cancellationToken) =>
        QueryAsync("SELECT COUNT(*) FROM admin_users", null, ReadLongAsync, cancellationToken);

    public Task<bool> InsertAdminAsync(AdminUser admin, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            "INSERT INTO admin_users (username, password_hash, failed_logins, locked_until, created_at, enabled, security_stamp, role) VALUES ($1, $2, 0, NULL, $3, $4, $5, $6) ON CONFLICT (username) DO NOTHING",
            [Text(admin.Username), Text(admin.PasswordHash), Time(admin.CreatedAt), Boolean(admin.Enabled), Text(admin.SecurityStamp), Text(AdminRoles.Name(admin.Role))],
            audit,
            cancellationToken);

    // The last-administrator rule is part of the UPDATE; under READ COMMITTED two concurrent disables (or demotions)
    // of the last two administrators could each still see the other enabled, so the rows are locked first.
    public Task<bool> SetAdminEnabledAsync(string username, bool enabled, string securityStamp, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            $"UPDATE admin_users SET enabled = $2, security_stamp = $3 WHERE username = $1 AND ($2 OR {AnotherAdministratorRemains})",
            [Text(username), Boolean(enabled), Text(securityStamp)],
            audit,
            cancellationToken);

    public Task<bool> SetAdminRoleAsync(string username, AdminRole role, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            $"UPDATE admin_users SET role = $2 WHERE username = $1 AND ($2 = '{AdminRoles.Administrator}' OR {AnotherAdministratorRemains})",
            [Text(username), Text(AdminRoles.Name(role))],
            audit,
            cancellationToken);

    public Task<bool> SetAdminPasswordAsync(string username, string passwordHash, string securityStamp, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync(
            "UPDATE admin_users SET password_hash = $2, security_stamp = $3, failed_logins = 0, locked_until = NULL WHERE username = $1",
            [Text(username), Text(passwordHash), Text(securityStamp)],
            audit,
            cancellationToken);

    public Task<bool> SetAdminSecurityStampAsync(string username, string securityStamp, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("UPDATE admin_users SET security_stamp = $2 WHERE username = $1", [Text(username), Text(securityStamp)], audit, cancellationToken);

    // True unless the row $1 is an enabled administrator and no other enabled administrator exists (locked, see above).
    private const string AnotherAdministratorRemains =
        $"(role <> '{AdminRoles.Administrator}' OR NOT enabled OR (SELECT COUNT(*) FROM (SELECT 1 FROM admin_users WHERE enabled AND role = '{AdminRoles.Administrator}' AND username <> $1 FOR UPDATE) AS others) > 0)";

    public Task InsertApiKeyAsync(ApiKeyRecord key, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var insert = new NpgsqlBatchCommand(
                    """
                    WITH k AS (
                        INSERT INTO api_keys (id, name, role, secret_hash, created_at, created_by, expires_at, last_used_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $9, $10, $11, $12 FROM k
                    """);
                var p = insert.Parameters;
                p.Add(Text(key.Id));
                p.Add(Text(key.Name));
                p.Add(Text(AdminRoles.Name(key.Role)));
                p.Add(Text(key.SecretHash));
                p.Add(Time(key.CreatedAt));
                p.Add(Text(key.CreatedBy));
                p.Add(NullableTime(key.ExpiresAt));
                p.Add(NullableTime(key.LastUsedAt));
                AddAuditParameters(p, audit);
                batch.BatchCommands.Add(insert);
            },
            _ => true,
            cancellationToken);

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string id, CancellationToken cancellationToken)
    {
        var found = await ReadApiKeysAsync("WHERE id = $1", id, cancellationToken);
        return found.Count > 0 ? found[0] : null;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(CancellationToken cancellationToken) =>
        ReadApiKeysAsync("", null, cancellationToken);

    public Task<bool> DeleteApiKeyAsync(string id, AuditEvent audit, CancellationToken cancellationToken) =>
        ChangeAsync("DELETE FROM api_keys WHERE id = $1", [Text(id)], audit, cancellationToken);

    public Task RecordApiKeyUseAsync(string id, DateTimeOffset usedAt, DateTimeOffset staleBefore, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var touch = new NpgsqlBatchCommand("UPDATE api_keys SET last_used_at = $2 WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)");
                touch.Parameters.Add(Text(id));
                touch.Parameters.Add(Time(usedAt));
                touch.Parameters.Add(Time(staleBefore));
                batch.BatchCommands.Add(touch);
            },
            _ => true,
            cancellationToken);

    public Task<IReadOnlyList<CertificateRecord>> SearchCertificatesAsync(CertificateQuery query, CancellationToken cancellationToken)
    {
        var (sql, values) = BuildSearch(query);
        return QueryAsync(
            sql,
            p => values.ForEach(v => p.Add(v)),
            async (r, ct) =>
            {
                var list = new List<CertificateRecord>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(ReadCertificate(r));
                }

                return (IReadOnlyList<CertificateRecord>)list;
            },
            cancellationToken);
    }

    /// <summary>
    /// The certificate search, newest first. The planner chooses from fresh statistics (autovacuum's ANALYZE) among the
    /// indexes of migration 9: the trigram index (certificates_text) for text, certificates_label_issued for a label,
    /// certificates_revoked_issued for revoked ones, certificates_issued_label for the newest of all
    /// (PostgresStoreQueryPlanTests reads the plans).
    /// </summary>
    internal static (string Sql, List<NpgsqlParameter> Values) BuildSearch(CertificateQuery query)
    {
        var where = new StringBuilder("WHERE true");
        var values = new List<NpgsqlParameter>();
        string Next(NpgsqlParameter value)
        {
            values.Add(value);
            return "$" + values.Count;
        }

        // ILIKE: case-insensitive as SQLite's LIKE is for the ASCII of subjects, names and hex serials.
        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = Next(Text(Like(query.Text.Trim())));
            where.Append($" AND (subject ILIKE {text} ESCAPE '\\' OR sans ILIKE {text} ESCAPE '\\' OR serial ILIKE {text} ESCAPE '\\')");
        }

        if (query.Label is not null)
        {
            where.Append($" AND label = {Next(Text(query.Label))}");
        }

        if (!string.IsNullOrWhiteSpace(query.RequestedBy))
        {
            where.Append($" AND requested_by ILIKE {Next(Text(Like(query.RequestedBy.Trim())))} ESCAPE '\\'");
        }

        switch (query.Status)
        {
            case "valid":
                where.Append($" AND revoked_at IS NULL AND not_after > {Next(Time(query.Now))}");
                break;
            case "expired":
                where.Append($" AND revoked_at IS NULL AND not_after <= {Next(Time(query.Now))}");
                break;
            case "revoked":
                where.Append(" AND revoked_at IS NOT NULL");
                break;
        }

        if (query.ExpiresBefore is { } before)
        {
            where.Append($" AND not_after < {Next(Time(before))}");
        }

        if (query.IssuedSince is { } since)
        {
            where.Append($" AND issued_at >= {Next(Time(since))}");
        }

        var limit = Next(Integer(Math.Clamp(query.Limit, 1, 10_000)));
        if (query.Status == "valid" && query.ExpiresBefore is not null && string.IsNullOrWhiteSpace(query.Text))
        {
            // "Valid and expiring before": the window is read from certificates_valid_not_after alone (migration 13,
            // issued_at and serial included), its newest chosen, and only their rows read. MATERIALIZED fixes that order:
            // otherwise the planner may walk every certificate newest first hoping to meet the window soon, but the newest
            // certificates are the last to expire (a test with that correlation saw it walk 100,000 rows).
            return ($"WITH w AS MATERIALIZED (SELECT serial, issued_at FROM certificates {where}) SELECT {CertificateColumns} FROM certificates WHERE serial IN (SELECT serial FROM w ORDER BY issued_at DESC, serial LIMIT {limit}) ORDER BY issued_at DESC, serial", values);
        }

        return ($"SELECT {CertificateColumns} FROM certificates {where} ORDER BY issued_at DESC, serial LIMIT {limit}", values);
    }

    public Task<IReadOnlyList<IssuedCount>> CountIssuedAsync(DateTimeOffset since, CancellationToken cancellationToken) =>
        QueryAsync(
            "SELECT (issued_at AT TIME ZONE 'UTC')::date AS day, label, COUNT(*) FROM certificates WHERE issued_at >= $1 GROUP BY day, label",
            p => p.Add(Time(since)),
            async (r, ct) =>
            {
                var list = new List<IssuedCount>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new IssuedCount(r.GetFieldValue<DateOnly>(0), r.GetString(1), (int)r.GetInt64(2)));
                }

                return (IReadOnlyList<IssuedCount>)list;
            },
            cancellationToken);

    public Task<long> CountCertificatesForLabelsAsync(IReadOnlyCollection<string> labels, CancellationToken cancellationToken) =>
        QueryAsync("SELECT COUNT(*) FROM certificates WHERE label = ANY($1)", p => p.Add(TextArray(labels)), ReadLongAsync, cancellationToken);

    public Task<IReadOnlyList<AuditEvent>> SearchAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        var (sql, values) = BuildAuditSearch(query);
        return QueryAsync(
            sql,
            p => values.ForEach(v => p.Add(v)),
            async (r, ct) =>
            {
                var list = new List<AuditEvent>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new AuditEvent(r.GetFieldValue<DateTimeOffset>(0), r.GetString(1), r.GetString(2), r.GetString(3)));
                }

                return (IReadOnlyList<AuditEvent>)list;
            },
            cancellationToken);
    }

    /// <summary>The audit search, newest first (PostgresStoreQueryPlanTests reads its plan).</summary>
    internal static (string Sql, List<NpgsqlParameter> Values) BuildAuditSearch(AuditQuery query)
    {
        var where = new StringBuilder("WHERE true");
        var values = new List<NpgsqlParameter>();
        string Next(NpgsqlParameter value)
        {
            values.Add(value);
            return "$" + values.Count;
        }

        if (AuditQuery.KindRange(query.KindPrefix) is { } kinds)
        {
            // A range of audit_kind_time_c (migration 13), in the byte order of the C collation, as SQLite's binary order.
            where.Append($" AND kind COLLATE \"C\" >= {Next(Text(kinds.From))} AND kind COLLATE \"C\" < {Next(Text(kinds.To))}");
        }

        if (!string.IsNullOrWhiteSpace(query.Text))
        {
            var text = Next(Text(Like(query.Text.Trim())));
            where.Append($" AND (actor ILIKE {text} ESCAPE '\\' OR detail ILIKE {text} ESCAPE '\\')");
        }

        if (query.Since is { } since)
        {
            where.Append($" AND time >= {Next(Time(since))}");
        }

        var limit = Next(Integer(Math.Clamp(query.Limit, 1, 10_000)));
        return ($"SELECT time, kind, actor, detail FROM audit {where} ORDER BY id DESC LIMIT {limit}", values);
    }

    private Task<IReadOnlyList<StoredDefinition>> ListDefinitionsAsync(string table, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT name, definition, updated_at, updated_by FROM {table} ORDER BY name",
            null,
            async (r, ct) =>
            {
                var list = new List<StoredDefinition>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new StoredDefinition(r.GetString(0), r.GetString(1), r.GetFieldValue<DateTimeOffset>(2), r.GetString(3)));
                }

                return (IReadOnlyList<StoredDefinition>)list;
            },
            cancellationToken);

    private Task UpsertDefinitionAsync(string table, StoredDefinition definition, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var upsert = new NpgsqlBatchCommand(
                    $"""
                    WITH d AS (
                        INSERT INTO {table} (name, definition, updated_at, updated_by) VALUES ($1, $2, $3, $4)
                        ON CONFLICT (name) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, updated_by = excluded.updated_by
                        RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT $5, $6, $7, $8 FROM d
                    """);
                var p = upsert.Parameters;
                p.Add(Text(definition.Name));
                p.Add(Text(definition.Json));
                p.Add(Time(definition.UpdatedAt));
                p.Add(Text(definition.UpdatedBy));
                AddAuditParameters(p, audit);
                batch.BatchCommands.Add(upsert);
            },
            _ => true,
            cancellationToken);

    private Task<IReadOnlyList<AdminUser>> ReadAdminsAsync(string where, string? username, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {AdminColumns} FROM admin_users {where} ORDER BY username",
            username is null ? null : p => p.Add(Text(username)),
            async (r, ct) =>
            {
                var list = new List<AdminUser>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new AdminUser
                    {
                        Username = r.GetString(0),
                        PasswordHash = r.GetString(1),
                        FailedLogins = r.GetInt32(2),
                        LockedUntil = r.IsDBNull(3) ? null : r.GetFieldValue<DateTimeOffset>(3),
                        CreatedAt = r.GetFieldValue<DateTimeOffset>(4),
                        Enabled = r.GetBoolean(5),
                        SecurityStamp = r.GetString(6),
                        Role = AdminRoles.FromStored(r.GetString(7)),
                    });
                }

                return (IReadOnlyList<AdminUser>)list;
            },
            cancellationToken);

    private Task<IReadOnlyList<ApiKeyRecord>> ReadApiKeysAsync(string where, string? id, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT id, name, role, secret_hash, created_at, created_by, expires_at, last_used_at FROM api_keys {where} ORDER BY created_at",
            id is null ? null : p => p.Add(Text(id)),
            async (r, ct) =>
            {
                var list = new List<ApiKeyRecord>();
                while (await r.ReadAsync(ct))
                {
                    list.Add(new ApiKeyRecord
                    {
                        Id = r.GetString(0),
                        Name = r.GetString(1),
                        Role = AdminRoles.FromStored(r.GetString(2)),
                        SecretHash = r.GetString(3),
                        CreatedAt = r.GetFieldValue<DateTimeOffset>(4),
                        CreatedBy = r.GetString(5),
                        ExpiresAt = r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6),
                        LastUsedAt = r.IsDBNull(7) ? null : r.GetFieldValue<DateTimeOffset>(7),
                    });
                }

                return (IReadOnlyList<ApiKeyRecord>)list;
            },
            cancellationToken);

    /// <summary>
    /// One change statement with parameters $1…$n; the audit row is inserted in the same statement when the
    /// change touched a row. True when it did.
    /// </summary>
    private Task<bool> ChangeAsync(string sql, NpgsqlParameter[] values, AuditEvent audit, CancellationToken cancellationToken) =>
        _writer.WriteAsync(
            batch =>
            {
                var n = values.Length;
                var change = new NpgsqlBatchCommand(
                    $"""
                    WITH c AS ({sql} RETURNING 1)
                    INSERT INTO audit (time, kind, actor, detail) SELECT ${n + 1}, ${n + 2}, ${n + 3}, ${n + 4} WHERE EXISTS (SELECT 1 FROM c)
                    """);
                foreach (var value in values)
                {
                    change.Parameters.Add(value);
                }

                AddAuditParameters(change.Parameters, audit);
                batch.BatchCommands.Add(change);
            },
            statements => statements[0].RecordsAffected == 1,
            cancellationToken);

    private static NpgsqlParameter TextArray(IEnumerable<string> values) =>
        new() { NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text, Value = values.Distinct(StringComparer.Ordinal).ToArray() };

    private static NpgsqlParameter NullableTime(DateTimeOffset? value) =>
        new() { NpgsqlDbType = NpgsqlDbType.TimestampTz, Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };

    private static NpgsqlParameter Boolean(bool value) => new() { NpgsqlDbType = NpgsqlDbType.Boolean, Value = value };

    private static NpgsqlParameter Integer(int value) => new() { NpgsqlDbType = NpgsqlDbType.Integer, Value = value };

    private static string Escape(string s) =>
        s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("%", "\\%", StringComparison.Ordinal).Replace("_", "\\_", StringComparison.Ordinal);

    private static string Like(string s) => "%" + Escape(s) + "%";
}
