using System.CommandLine;
using Estuary.Cli.Backup;
using Estuary.Storage.Sqlite;

namespace Estuary.Cli;

/// <summary>
/// `estuary restore --from FILE --data-dir D`: recreates a data folder from an `estuary backup` archive. The archive is
/// input like any other: it is read twice, first to check every entry against MANIFEST.json (names, types, sizes,
/// SHA-256) without writing anything, then to write D (0700, files 0600), checking again as it writes; any failure
/// removes what was written. Exit 0 done, 2 refused (usage, non-empty D, bad or altered archive), 1 failed writing.
/// </summary>
internal static class RestoreCommand
{
    private const string Verb = "estuary restore";

    public static Command Create()
    {
        // Checked in the action rather than marked Required: a missing one is a usage error, exit 2 with one line.
        var from = new Option<string?>("--from") { Description = "(required) The archive `estuary backup` wrote" };
        var dataDir = new Option<string?>("--data-dir") { Description = "(required) The data folder to create; must be new or empty" };
        var command = new Command("restore", "Restore a data folder (and the SQLite database) from an `estuary backup` archive.") { from, dataDir };
        command.SetAction(async (result, cancellationToken) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            if (result.GetValue(from) is not { } archive || result.GetValue(dataDir) is not { } folder)
            {
                await stderr.WriteLineAsync($"{Verb}: --from FILE and --data-dir D are required");
                return 2;
            }

            try
            {
                await RunAsync(Path.GetFullPath(archive), folder, stdout, stderr);
                return 0;
            }
            catch (BackupRefusedException e)
            {
                await stderr.WriteLineAsync($"{Verb}: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                await stderr.WriteLineAsync($"{Verb}: failed, nothing restored: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static async Task RunAsync(string archive, string dataDir, TextWriter output, TextWriter error)
    {
        var target = RestoreTarget.Check(dataDir);

        // First pass: check everything, write nothing.
        BackupManifest manifest;
        using (var reader = BackupArchiveReader.Open(archive))
        {
            reader.ForEachFile((_, data) => BackupArchiveReader.Copy(data, null));
            manifest = reader.Manifest;
        }

        if (manifest.Store == BackupManifest.Sqlite && manifest.SchemaVersion > SqliteOnlineBackup.SupportedSchemaVersion)
        {
            throw new BackupRefusedException($"the database has schema version {manifest.SchemaVersion}, newer than this estuary knows ({SqliteOnlineBackup.SupportedSchemaVersion}); restore with estuary {manifest.EstuaryVersion} or later");
        }

        // Second pass: write, checking each file again (the archive could have changed since the first pass).
        long bytes = 0;
        target.Create(error);
        try
        {
            using var reader = BackupArchiveReader.Open(archive);
            if (!reader.Manifest.ToUtf8().AsSpan().SequenceEqual(manifest.ToUtf8()))
            {
                throw new BackupRefusedException($"{archive} changed while it was being restored; nothing restored");
            }

            reader.ForEachFile((listed, data) =>
            {
                using var file = target.CreateFile(ArchiveLayout.Destination(target.Path, listed.Path));
                var copied = BackupArchiveReader.Copy(data, file);
                file.Flush(flushToDisk: true);
                bytes += copied.Size;
                return copied;
            });
            if (manifest.Store == BackupManifest.Sqlite)
            {
                await SqliteOnlineBackup.AdvanceCrlNumbersAsync(Path.Combine(target.Path, "estuary.db"), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), CancellationToken.None);
            }
        }
        catch
        {
            target.Undo();
            throw;
        }

        await output.WriteLineAsync($"{Verb}: restored {manifest.Files.Count} files ({bytes} bytes) into {target.Path} (folder 0700, files 0600): backup of {manifest.SourceDataDir} taken {manifest.CreatedAt:u} by estuary {manifest.EstuaryVersion}");
        foreach (var line in StillToDo(manifest, target.Path))
        {
            await output.WriteLineAsync(line);
        }
    }

    /// <summary>What the archive cannot do by itself: the operator's part of the restore, one line each.</summary>
    private static IEnumerable<string> StillToDo(BackupManifest manifest, string target)
    {
        var database = Path.Combine(target, "estuary.db");
        if (manifest.Store == BackupManifest.Sqlite)
        {
            var moved = manifest.DatabaseSource != Path.Combine(manifest.SourceDataDir, "estuary.db");
            yield return $"database: {database} (SQLite, schema version {manifest.SchemaVersion})" +
                (moved ? $"; it was {manifest.DatabaseSource}: point Estuary:Storage:ConnectionString at {database} or remove that setting" : "");
        }
        else
        {
            yield return $"to do: the database is NOT in this archive: restore the pg_dump of {manifest.DatabaseSource} with pg_restore (docs/BACKUP.md), then point Estuary:Storage:ConnectionString at it";
        }

        foreach (var source in manifest.Configuration)
        {
            var restored = ArchiveLayout.Destination(target, source.Entry);
            yield return $"to do: configuration {restored} was {source.Source}: put it back there (or pass --config {restored}), with Estuary:DataDir (if set) pointing at {target}" +
                (source.PinRemoved ? "; its Estuary:Ca:Pkcs11:Pin is blank: supply the PIN (Estuary__Ca__Pkcs11__Pin)" : "");
        }

        if (manifest.CaPassphrase == "configuration")
        {
            yield return "to do: the CA keys are encrypted with Estuary:Ca:KeyPassphrase, which is not in ca-key.passphrase: supply it as before";
        }

        if (manifest.Hsm is { } hsm)
        {
            yield return $"to do: the CA keys are in PKCS#11 token '{hsm.TokenLabel}' ({hsm.ModulePath}), labels {hsm.RootKeyLabel} and {hsm.IssuingKeyLabel}: the restored server needs that token and its PIN";
        }

        yield return $"then: estuary serve --data-dir {target}, as the user the server runs as (restored files belong to whoever ran restore: chown -R if that is another user)";
    }
}
