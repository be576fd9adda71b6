namespace Estuary.Storage.Postgres;

/// <summary>
/// Versioned schema migrations for PostgreSQL, applied in order at start-up (or by `estuary db migrate`);
/// each runs once, in its own transaction, under an advisory lock so that nodes starting together do not
/// race. Append new migrations at the END; never edit one that has shipped.
/// </summary>
internal static class PostgresSchema
{
    /// <summary>pg_advisory_lock key held while migrating ("ESTUARY" in ASCII).</summary>
    public const long MigrationLock = 0x45535455415259;

    public static readonly string[] Migrations =
    [
        // 1: certificates, accounts, audit (the same records as SQLite migration 1)
        """
        CREATE TABLE certificates (
            serial text PRIMARY KEY,
            subject text NOT NULL,
            sans text NOT NULL,
            issuer text NOT NULL,
            not_before timestamptz NOT NULL,
            not_after timestamptz NOT NULL,
            requested_by text NOT NULL,
            label text NOT NULL,
            operation text NOT NULL,
            replaces text,
            der bytea NOT NULL,
            issued_at timestamptz NOT NULL,
            revoked_at timestamptz,
            revocation_reason integer
        );
        CREATE INDEX certificates_issued_at ON certificates (issued_at);
        CREATE INDEX certificates_not_after ON certificates (not_after);
        CREATE TABLE accounts (
            username text PRIMARY KEY,
            password_hash text NOT NULL,
            enabled boolean NOT NULL,
            created_at timestamptz NOT NULL
        );
        CREATE TABLE audit (
            id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time timestamptz NOT NULL,
            kind text NOT NULL,
            actor text NOT NULL,
            detail text NOT NULL
        );
        """,
    ];
}
