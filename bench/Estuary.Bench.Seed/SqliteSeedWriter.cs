using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Estuary.Bench.Seed;

/// <summary>
/// Writes into the data folder's SQLite file as the server does (WAL, synchronous=FULL), with prepared statements
/// and one transaction per chunk. The schema is the server's: <see cref="SqliteStore.OpenAsync"/> runs its
/// migrations first, so every trigger and index is maintained exactly as for an enrollment.
/// </summary>
internal sealed class SqliteSeedWriter : ISeedWriter
{
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _certificate;
    private readonly SqliteCommand _audit;

    private SqliteSeedWriter(SqliteConnection connection)
    {
        _connection = connection;
        _certificate = connection.CreateCommand();
        // SqliteStore.InsertCertificate writes these columns with NULL revocation; RevokeAsync later sets the two
        // revocation columns. The seeder writes both at once.
        _certificate.CommandText = $"INSERT INTO certificates ({SqliteStore.CertificateColumns}) VALUES ($serial, $subject, $sans, $issuer, $nb, $na, $by, $label, $op, $replaces, $der, $at, $revokedAt, $reason, $account)";
        foreach (var name in new[] { "$serial", "$subject", "$sans", "$issuer", "$nb", "$na", "$by", "$label", "$op", "$replaces", "$der", "$at", "$revokedAt", "$reason", "$account" })
        {
            _certificate.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        _audit = connection.CreateCommand();
        _audit.CommandText = "INSERT INTO audit (time, kind, actor, detail) VALUES ($t, $k, $a, $d)";
        foreach (var name in new[] { "$t", "$k", "$a", "$d" })
        {
            _audit.Parameters.Add(new SqliteParameter { ParameterName = name });
        }
    }

    public static async Task<SqliteSeedWriter> OpenAsync(string path, CancellationToken cancellationToken)
    {
        await using (await SqliteStore.OpenAsync(path, cancellationToken))
        {
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        await using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA busy_timeout=30000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken);
        return new SqliteSeedWriter(connection);
    }

    public async Task WriteAsync(IReadOnlyList<(CertificateRecord Record, AuditEvent Issued, AuditEvent? Revoked)> chunk, CancellationToken cancellationToken)
    {
        await using var transaction = (SqliteTransaction)await _connection.BeginTransactionAsync(cancellationToken);
        _certificate.Transaction = transaction;
        _audit.Transaction = transaction;
        _certificate.Prepare();
        _audit.Prepare();
        foreach (var (c, issued, revoked) in chunk)
        {
            var p = _certificate.Parameters;
            p[0].Value = c.Serial;
            p[1].Value = c.Subject;
            p[2].Value = c.SubjectAltNames;
            p[3].Value = c.Issuer;
            p[4].Value = c.NotBefore.ToUnixTimeMilliseconds();
            p[5].Value = c.NotAfter.ToUnixTimeMilliseconds();
            p[6].Value = c.RequestedBy;
            p[7].Value = c.Label;
            p[8].Value = c.Operation;
            p[9].Value = (object?)c.Replaces ?? DBNull.Value;
            p[10].Value = c.Der;
            p[11].Value = c.IssuedAt.ToUnixTimeMilliseconds();
            p[12].Value = (object?)c.RevokedAt?.ToUnixTimeMilliseconds() ?? DBNull.Value;
            p[13].Value = (object?)c.RevocationReason ?? DBNull.Value;
            p[14].Value = (object?)c.Account ?? DBNull.Value;
            _certificate.ExecuteNonQuery();
            Audit(issued);
            if (revoked is not null)
            {
                Audit(revoked);
            }
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private void Audit(AuditEvent audit)
    {
        var p = _audit.Parameters;
        p[0].Value = audit.Time.ToUnixTimeMilliseconds();
        p[1].Value = audit.Kind;
        p[2].Value = audit.Actor;
        p[3].Value = audit.Detail;
        _audit.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await _certificate.DisposeAsync();
        await _audit.DisposeAsync();
        await _connection.DisposeAsync();
    }
}
