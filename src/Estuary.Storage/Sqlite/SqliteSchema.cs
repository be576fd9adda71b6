namespace Estuary.Storage.Sqlite;

/// <summary>Versioned schema migrations, applied in order at start-up; each runs once, in its own transaction.</summary>
internal static class SqliteSchema
{
    public static readonly string[] Migrations =
    [
        // 1: certificates, accounts, audit
        """
        CREATE TABLE certificates (
            serial TEXT PRIMARY KEY,
            subject TEXT NOT NULL,
            sans TEXT NOT NULL,
            issuer TEXT NOT NULL,
            not_before INTEGER NOT NULL,
            not_after INTEGER NOT NULL,
            requested_by TEXT NOT NULL,
            label TEXT NOT NULL,
            operation TEXT NOT NULL,
            replaces TEXT,
            der BLOB NOT NULL,
            issued_at INTEGER NOT NULL,
            revoked_at INTEGER,
            revocation_reason INTEGER
        );
        CREATE INDEX certificates_issued_at ON certificates(issued_at);
        CREATE INDEX certificates_not_after ON certificates(not_after);
        CREATE TABLE accounts (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            enabled INTEGER NOT NULL,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time INTEGER NOT NULL,
            kind TEXT NOT NULL,
            actor TEXT NOT NULL,
            detail TEXT NOT NULL
        );
        """,

        // 2: revocation: the revoked-certificate index for CRLs and the monotonic CRL number per issuing CA (RFC 5280 §5.2.3)
        """
        CREATE INDEX certificates_revoked_at ON certificates(revoked_at) WHERE revoked_at IS NOT NULL;
        CREATE TABLE crl_numbers (
            issuer TEXT PRIMARY KEY,
            number INTEGER NOT NULL
        );
        """,

        // 3: enrollments held for approval (RFC 7030 §4.2.3)
        """
        CREATE TABLE pending_requests (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            request_key TEXT NOT NULL,
            label TEXT NOT NULL,
            requester TEXT NOT NULL,
            operation TEXT NOT NULL,
            replaces TEXT,
            csr BLOB NOT NULL,
            subject TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            status TEXT NOT NULL,
            reason TEXT,
            issued_serial TEXT,
            decided_by TEXT,
            decided_at INTEGER
        );
        CREATE INDEX pending_requests_key ON pending_requests(request_key, id);
        CREATE INDEX pending_requests_status ON pending_requests(status, id);
        """,

        // 4: admin console and REST API (templates, adapters, account groups, administrators, API keys)
        """
        CREATE TABLE templates (
            name TEXT PRIMARY KEY,
            definition TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE TABLE adapters (
            name TEXT PRIMARY KEY,
            definition TEXT NOT NULL,
            updated_at INTEGER NOT NULL,
            updated_by TEXT NOT NULL
        );
        CREATE TABLE account_groups (
            username TEXT NOT NULL REFERENCES accounts(username),
            group_name TEXT NOT NULL,
            PRIMARY KEY (username, group_name)
        );
        CREATE TABLE admin_users (
            username TEXT PRIMARY KEY,
            password_hash TEXT NOT NULL,
            failed_logins INTEGER NOT NULL,
            locked_until INTEGER,
            created_at INTEGER NOT NULL
        );
        CREATE TABLE api_keys (
            id TEXT PRIMARY KEY,
            name TEXT NOT NULL,
            scope TEXT NOT NULL,
            secret_hash TEXT NOT NULL,
            created_at INTEGER NOT NULL,
            created_by TEXT NOT NULL
        );
        CREATE INDEX certificates_label ON certificates(label);
        CREATE INDEX audit_kind_time ON audit(kind, time);
        """,

        // 5: administrators can be disabled (the console's admin-user page)
        """
        ALTER TABLE admin_users ADD COLUMN enabled INTEGER NOT NULL DEFAULT 1;
        """,

        // 6: encrypted return and archive of server-generated keys (RFC 7030 §4.4.1.1, §4.4.2)
        """
        CREATE TABLE account_decrypt_keys (
            username TEXT NOT NULL REFERENCES accounts(username),
            key_id BLOB NOT NULL,
            protected_key BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            PRIMARY KEY (username, key_id)
        );
        CREATE TABLE archived_keys (
            serial TEXT PRIMARY KEY REFERENCES certificates(serial),
            enveloped_key BLOB NOT NULL,
            archived_at INTEGER NOT NULL
        );
        CREATE INDEX certificates_requested_by ON certificates(requested_by, issued_at);
        """,

        // 7: administrators' security stamp: sessions carry it, a password reset, disable or logout replaces it.
        // Existing administrators get a random one (their open sessions, which carry none, end).
        """
        ALTER TABLE admin_users ADD COLUMN security_stamp TEXT NOT NULL DEFAULT '';
        UPDATE admin_users SET security_stamp = lower(hex(randomblob(32)));
        """,

        // 8: the account that owns each certificate (principals with provenance): a certificate authenticates as the
        // account that enrolled it, or that enrolled the certificate it renewed, however long the renewal chain.
        // Existing rows get it from requested_by, following "cert:SERIAL" links back to the "basic:NAME" that began them.
        """
        ALTER TABLE certificates ADD COLUMN account TEXT;
        CREATE TEMP TABLE migration_owners (serial TEXT PRIMARY KEY, account TEXT NOT NULL);
        INSERT INTO migration_owners (serial, account)
        WITH RECURSIVE owned(serial, account, depth) AS (
            SELECT serial, substr(requested_by, 7), 0 FROM certificates WHERE requested_by LIKE 'basic:%'
            UNION ALL
            SELECT c.serial, o.account, o.depth + 1 FROM owned o JOIN certificates c ON c.requested_by = 'cert:' || o.serial
            WHERE o.depth < 100000
        )
        SELECT serial, account FROM owned;
        UPDATE certificates SET account = (SELECT o.account FROM migration_owners o WHERE o.serial = certificates.serial);
        DROP TABLE migration_owners;
        CREATE INDEX certificates_account ON certificates(account, issued_at);
        """,

        // 9: administrator roles (auditor, ra-officer, administrator) for administrators and API keys; API keys
        // get an expiry and a last-used time. Existing administrators keep the power they had: administrator.
        // Existing keys: scope write becomes administrator, read becomes auditor; they keep never expiring
        // (an upgrade does not silently schedule an outage of running scripts); the console shows "never".
        """
        ALTER TABLE admin_users ADD COLUMN role TEXT NOT NULL DEFAULT 'auditor';
        UPDATE admin_users SET role = 'administrator';
        ALTER TABLE api_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'auditor';
        UPDATE api_keys SET role = CASE scope WHEN 'write' THEN 'administrator' ELSE 'auditor' END;
        ALTER TABLE api_keys DROP COLUMN scope;
        ALTER TABLE api_keys ADD COLUMN expires_at INTEGER;
        ALTER TABLE api_keys ADD COLUMN last_used_at INTEGER;
        """,

        // 10: searching a million certificates (docs/BENCHMARKS.md, "At a million certificates").
        // - certificate_text: an FTS5 trigram index of serial, subject and SANs, so that the console's and API's
        //   substring search reads the certificates that contain the text instead of every row. Its rows are keyed
        //   by serial (not rowid, which VACUUM may renumber in a table without an INTEGER PRIMARY KEY) and kept by
        //   triggers, so every writer (issuance, approval, seeding) maintains it.
        // - certificates_label_issued: a label's newest certificates in order (replaces certificates_label).
        // - certificates_revoked_issued: the revoked certificates, newest first, without reading the others.
        // - certificates_issued_label: the dashboard's "issued per label in 30 days" from the index alone (replaces
        //   certificates_issued_at, its prefix).
        """
        CREATE VIRTUAL TABLE certificate_text USING fts5(serial, subject, sans, tokenize = 'trigram');
        INSERT INTO certificate_text (serial, subject, sans) SELECT serial, subject, sans FROM certificates;
        CREATE TRIGGER certificates_text_insert AFTER INSERT ON certificates BEGIN
            INSERT INTO certificate_text (serial, subject, sans) VALUES (new.serial, new.subject, new.sans);
        END;
        CREATE TRIGGER certificates_text_delete AFTER DELETE ON certificates BEGIN
            DELETE FROM certificate_text WHERE rowid IN (SELECT rowid FROM certificate_text WHERE certificate_text MATCH 'serial : "' || old.serial || '"');
        END;
        CREATE INDEX certificates_label_issued ON certificates(label, issued_at);
        DROP INDEX IF EXISTS certificates_label;
        CREATE INDEX certificates_revoked_issued ON certificates(issued_at) WHERE revoked_at IS NOT NULL;
        CREATE INDEX certificates_issued_label ON certificates(issued_at, label);
        DROP INDEX IF EXISTS certificates_issued_at;
        """,

        // 11: the trigram index is written in batches, not by each enrollment (docs/BENCHMARKS.md, "Keep-alive after the
        //     search index"). An FTS5 insert per certificate flushed a new index segment at every group commit and merged
        //     segments in the enrollment's transaction (SQLite's share of the server's CPU rose from 12 % to 19 %). Now the insert
        //     trigger only queues the serial in certificate_text_pending (a small B-tree insert); the store's writer moves
        //     the queue into certificate_text at most a second later, thousands of rows per transaction
        //     (SqliteStore.IndexPendingText), and a search reads the queue too, so it never misses a certificate.
        //     The delete trigger now removes only the row whose serial is equal (the MATCH alone also found serials that
        //     contain it).
        """
        DROP TRIGGER certificates_text_insert;
        DROP TRIGGER certificates_text_delete;
        CREATE TABLE certificate_text_pending (serial TEXT PRIMARY KEY) WITHOUT ROWID;
        CREATE TRIGGER certificates_text_insert AFTER INSERT ON certificates BEGIN
            INSERT INTO certificate_text_pending (serial) VALUES (new.serial);
        END;
        CREATE TRIGGER certificates_text_delete AFTER DELETE ON certificates BEGIN
            DELETE FROM certificate_text_pending WHERE serial = old.serial;
            DELETE FROM certificate_text WHERE rowid IN (SELECT rowid FROM certificate_text WHERE certificate_text MATCH 'serial : "' || old.serial || '"') AND serial = old.serial;
        END;
        """,

        // 12: the CRL's list of revocations (ListRevokedAsync: every signing, and every recheck that looks for revocations
        //     made elsewhere) from one covering index in its order. At a million certificates the table lookups of the
        //     100,000 revoked rows, one page each, took 0.85 s warm and 10.5 s cold per read (docs/BENCHMARKS.md); new
        //     certificates are not revoked, so enrollments do not write this index.
        """
        CREATE INDEX certificates_revoked_list ON certificates(revoked_at, serial, issuer, not_after, revocation_reason) WHERE revoked_at IS NOT NULL;
        """,

        // 13: a revocation generation, moved by every change to the revoked set (revocation, a changed reason, a revoked row
        //     inserted or deleted), by triggers so that every writer (the server, the CLI, another node's seeding) moves it.
        //     The CRL recheck reads this one row instead of fingerprinting all 100,000 revocations every interval
        //     (RevocationGenerationAsync; CrlPublisher), and cached OCSP answers stay valid while it has not moved.
        //     Enrollments insert unrevoked rows: their trigger's WHEN is false and nothing is written.
        """
        CREATE TABLE revocation_generation (id INTEGER PRIMARY KEY CHECK (id = 1), generation INTEGER NOT NULL);
        INSERT INTO revocation_generation (id, generation) VALUES (1, 0);
        CREATE TRIGGER revocation_generation_update AFTER UPDATE OF revoked_at, revocation_reason ON certificates
            WHEN old.revoked_at IS NOT new.revoked_at OR old.revocation_reason IS NOT new.revocation_reason BEGIN
            UPDATE revocation_generation SET generation = generation + 1 WHERE id = 1;
        END;
        CREATE TRIGGER revocation_generation_insert AFTER INSERT ON certificates WHEN new.revoked_at IS NOT NULL BEGIN
            UPDATE revocation_generation SET generation = generation + 1 WHERE id = 1;
        END;
        CREATE TRIGGER revocation_generation_delete AFTER DELETE ON certificates WHEN old.revoked_at IS NOT NULL BEGIN
            UPDATE revocation_generation SET generation = generation + 1 WHERE id = 1;
        END;
        """,

        // 14: the dashboard, /metrics and the certificate list at a million certificates (docs/BENCHMARKS.md, "At a
        //     million certificates"), both by covering indexes that replace the ones they extend, so an enrollment still
        //     writes as many index entries:
        //     - certificates_valid_not_after replaces certificates_not_after: only unrevoked certificates (every query
        //       of not_after ranges asks for those), with issued_at and serial, so the expiring count (/metrics, the
        //       dashboard) and the newest of the expiring (the list) are read from the index alone; it had been one
        //       table lookup per certificate in the window (20,000 at a million: 95 ms for the count).
        //     - certificates_issued_status replaces certificates_issued_label: with not_after and revoked_at, the
        //       newest-first walk decides "valid" and "expired" without a table lookup per skipped certificate
        //       (status=expired skipped 80,000 still-valid ones: 134 ms).
        //     A revocation now also rewrites these entries (rare); building both at a million takes seconds.
        """
        CREATE INDEX certificates_valid_not_after ON certificates(not_after, issued_at, serial, revoked_at) WHERE revoked_at IS NULL;
        DROP INDEX IF EXISTS certificates_not_after;
        CREATE INDEX certificates_issued_status ON certificates(issued_at, label, not_after, revoked_at);
        DROP INDEX IF EXISTS certificates_issued_label;
        """,

        // 15: deleting a certificate leaves the trigram index by its row, not by a search. The delete trigger had found
        //     the row with an FTS5 phrase query of the 32-character serial: thirty trigrams of random hex, each shared
        //     by thousands of serials, so deleting 100,000 of a million had not finished in 12 minutes (a purge of
        //     expired certificates, docs/OPERATIONS.md). certificate_text_rowid remembers each serial's row in
        //     certificate_text (FTS5 keeps its rowids through VACUUM); the writer fills it with the index
        //     (SqliteStore.TextIndex). Still plain SQL in the trigger, so a purge from the sqlite3 shell keeps the index
        //     right too.
        """
        CREATE TABLE certificate_text_rowid (serial TEXT PRIMARY KEY, text_rowid INTEGER NOT NULL) WITHOUT ROWID;
        INSERT OR REPLACE INTO certificate_text_rowid (serial, text_rowid) SELECT serial, rowid FROM certificate_text;
        DROP TRIGGER certificates_text_delete;
        CREATE TRIGGER certificates_text_delete AFTER DELETE ON certificates BEGIN
            DELETE FROM certificate_text_pending WHERE serial = old.serial;
            DELETE FROM certificate_text WHERE rowid = (SELECT text_rowid FROM certificate_text_rowid WHERE serial = old.serial);
            DELETE FROM certificate_text_rowid WHERE serial = old.serial;
        END;
        """,
    ];
}
