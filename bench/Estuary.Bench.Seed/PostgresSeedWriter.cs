using Estuary.Storage;
using Estuary.Storage.Postgres;
using Npgsql;
using NpgsqlTypes;

namespace Estuary.Bench.Seed;

/// <summary>
/// Writes into a PostgreSQL database with COPY BINARY (one COPY per table per chunk, in one transaction). The schema
/// is the server's: <see cref="PostgresStore.MigrateAsync"/> runs its migrations first.
/// </summary>
internal sealed class PostgresSeedWriter(NpgsqlDataSource dataSource) : ISeedWriter
{
    public static async Task<PostgresSeedWriter> OpenAsync(string connectionString, CancellationToken cancellationToken)
    {
        await PostgresStore.MigrateAsync(connectionString, cancellationToken);
        return new PostgresSeedWriter(NpgsqlDataSource.Create(connectionString));
    }

    public async Task WriteAsync(IReadOnlyList<(CertificateRecord Record, AuditEvent Issued, AuditEvent? Revoked)> chunk, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var copy = await connection.BeginBinaryImportAsync($"COPY certificates ({PostgresStore.CertificateColumns}) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (c, _, _) in chunk)
            {
                await copy.StartRowAsync(cancellationToken);
                await copy.WriteAsync(c.Serial, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.Subject, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.SubjectAltNames, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.Issuer, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.NotBefore.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(c.NotAfter.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                await copy.WriteAsync(c.RequestedBy, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.Label, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.Operation, NpgsqlDbType.Text, cancellationToken);
                await WriteNullableAsync(copy, c.Replaces, NpgsqlDbType.Text, cancellationToken);
                await copy.WriteAsync(c.Der, NpgsqlDbType.Bytea, cancellationToken);
                await copy.WriteAsync(c.IssuedAt.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                if (c.RevokedAt is { } at)
                {
                    await copy.WriteAsync(at.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
                    await copy.WriteAsync(c.RevocationReason ?? 0, NpgsqlDbType.Integer, cancellationToken);
                }
                else
                {
                    await copy.WriteNullAsync(cancellationToken);
                    await copy.WriteNullAsync(cancellationToken);
                }

                await WriteNullableAsync(copy, c.Account, NpgsqlDbType.Text, cancellationToken);
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await using (var copy = await connection.BeginBinaryImportAsync("COPY audit (time, kind, actor, detail) FROM STDIN (FORMAT BINARY)", cancellationToken))
        {
            foreach (var (_, issued, revoked) in chunk)
            {
                await AuditAsync(copy, issued, cancellationToken);
                if (revoked is not null)
                {
                    await AuditAsync(copy, revoked, cancellationToken);
                }
            }

            await copy.CompleteAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static async Task AuditAsync(NpgsqlBinaryImporter copy, AuditEvent audit, CancellationToken cancellationToken)
    {
        await copy.StartRowAsync(cancellationToken);
        await copy.WriteAsync(audit.Time.ToUniversalTime(), NpgsqlDbType.TimestampTz, cancellationToken);
        await copy.WriteAsync(audit.Kind, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(audit.Actor, NpgsqlDbType.Text, cancellationToken);
        await copy.WriteAsync(audit.Detail, NpgsqlDbType.Text, cancellationToken);
    }

    private static async Task WriteNullableAsync(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            await copy.WriteNullAsync(cancellationToken);
        }
        else
        {
            await copy.WriteAsync(value, type, cancellationToken);
        }
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
