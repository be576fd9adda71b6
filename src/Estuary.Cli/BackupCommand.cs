using System.CommandLine;
using System.Reflection;
using Estuary.Ca;
using Estuary.Cli.Backup;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>
/// `estuary backup --to FILE`: one archive of everything a restore needs, taken while the server runs — the SQLite
/// database through SQLite's online backup API (a consistent copy as of one commit), then the data folder (CA keys
/// and certificates, passphrase file, console keys, …), the configuration files, and MANIFEST.json with a SHA-256 for
/// each file. PostgreSQL is not dumped (pg_dump does that, consistently and in its own format); the output says so.
/// Exit 0 done, 2 refused (usage, existing FILE, not a data folder), 1 failed while copying or writing.
/// </summary>
internal static class BackupCommand
{
    private const string Verb = "estuary backup";

    public static Command Create()
    {
        var storage = new StorageFlags();
        // Checked in the action rather than marked Required: a missing --to is a usage error, exit 2 with one line.
        var to = new Option<string?>("--to") { Description = "(required) The archive to write: tar, gzip-compressed when it ends in .gz or .tgz; mode 0600" };
        var force = new Option<bool>("--force") { Description = "Replace the archive if it exists" };
        var command = new Command("backup", "Back up the data folder, the SQLite database (online, while the server runs) and the configuration into one archive.") { to, force };
        storage.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            if (result.GetValue(to) is not { } archive)
            {
                await stderr.WriteLineAsync($"{Verb}: --to FILE is required");
                return 2;
            }

            StorageSettings settings;
            try
            {
                settings = storage.Bind(result);
                _ = settings.IsSqlite; // validates the provider name
            }
            catch (Exception e) when (e is ArgumentException or IOException or InvalidDataException or FormatException or InvalidOperationException)
            {
                await stderr.WriteLineAsync($"{Verb}: {e.Message}");
                return 2;
            }

            try
            {
                await RunAsync(settings, archive, result.GetValue(force), result.GetValue(storage.Config), stdout, cancellationToken);
                return 0;
            }
            catch (BackupRefusedException e)
            {
                await stderr.WriteLineAsync($"{Verb}: {e.Message}");
                return 2;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or InvalidDataException or Microsoft.Data.Sqlite.SqliteException)
            {
                await stderr.WriteLineAsync($"{Verb}: failed, no archive written: {e.Message}");
                return 1;
            }
        });
        return command;
    }

    private static async Task RunAsync(StorageSettings settings, string to, bool force, string? configFile, TextWriter output, CancellationToken cancellationToken)
    {
        var dataDir = settings.DataDir;
        var target = Path.GetFullPath(to);
        CheckTarget(dataDir, target, force);

        var ca = new CaOptions();
        settings.Configuration.GetSection("Estuary:Ca").Bind(ca);
        using var staging = new StagingFolder();
        var modes = new SortedDictionary<string, UnixFileMode>(StringComparer.Ordinal);
        var started = DateTimeOffset.UtcNow;

        // The database first, then the files: a file copied later is never older than the database, so every
        // certificate the copy records was signed by a CA whose key and certificate are in the archive (a renewal
        // in between only adds issuing-previous/).
        int? schemaVersion = null;
        string databaseSource;
        var databaseNames = new HashSet<string>(StringComparer.Ordinal);
        if (settings.IsSqlite)
        {
            var database = settings.Storage.SqlitePath(dataDir);
            databaseSource = database;
            if (!File.Exists(database))
            {
                throw new BackupRefusedException($"no database at {database} (use --data-dir, or --config/--provider for PostgreSQL)");
            }

            if (Path.GetDirectoryName(database) == Path.TrimEndingDirectorySeparator(dataDir))
            {
                var name = Path.GetFileName(database);
                databaseNames.UnionWith([name, name + "-wal", name + "-shm", name + "-journal"]);
            }

            var copy = await SqliteOnlineBackup.CopyAsync(database, staging.PathOf(ArchiveLayout.DataPrefix + "estuary.db"), cancellationToken);
            schemaVersion = copy.SchemaVersion;
            modes[ArchiveLayout.DataPrefix + "estuary.db"] = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(database);
            await output.WriteLineAsync($"database: SQLite {database}, online backup as of {started:u}: schema version {copy.SchemaVersion}, {copy.Certificates} certificates, {copy.Bytes} bytes");
        }
        else
        {
            databaseSource = settings.Storage.Describe(dataDir);
            await output.WriteLineAsync($"database: {databaseSource} is NOT in this archive: dump it with pg_dump --format=custom (see docs/BACKUP.md); this archive holds the rest");
        }

        var copied = DataFolderCopy.Copy(dataDir, staging, databaseNames);
        foreach (var (entry, mode) in copied.Files)
        {
            modes[entry] = mode;
        }

        var configuration = CopyConfiguration(configFile, staging, modes);
        var manifest = new BackupManifest
        {
            EstuaryVersion = typeof(BackupCommand).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown",
            CreatedAt = started,
            SourceDataDir = dataDir,
            Store = settings.IsSqlite ? BackupManifest.Sqlite : BackupManifest.Postgres,
            SchemaVersion = schemaVersion,
            DatabaseSource = databaseSource,
            CaKeys = ca.UsesPkcs11 ? "pkcs11" : "file",
            CaPassphrase = string.IsNullOrEmpty(ca.KeyPassphrase) ? "file" : "configuration",
            Hsm = ca.UsesPkcs11 ? new HsmReference(ca.Pkcs11.ModulePath, ca.Pkcs11.TokenLabel, ca.Pkcs11.RootKeyLabel, IssuingCaFolder.CurrentKeyLabel(dataDir, ca)) : null,
            Configuration = configuration,
            Files = [.. modes.Select(m => staging.Describe(m.Key, m.Value))],
        };
        var size = ArchiveWriter.Write(target, force, manifest, staging);

        foreach (var skipped in copied.Skipped)
        {
            await output.WriteLineAsync($"not backed up: {skipped}");
        }

        foreach (var source in configuration)
        {
            await output.WriteLineAsync($"configuration: {source.Source}" + (source.PinRemoved ? " (Estuary:Ca:Pkcs11:Pin blanked in the copy: a PIN never goes into a backup)" : ""));
        }

        if (manifest.CaPassphrase == "configuration")
        {
            await output.WriteLineAsync("CA key passphrase: from Estuary:Ca:KeyPassphrase, not from ca-key.passphrase: keep it in your secret store, a restore needs it");
        }

        if (manifest.Hsm is { } hsm)
        {
            await output.WriteLineAsync($"CA keys: in PKCS#11 token '{hsm.TokenLabel}' ({hsm.ModulePath}), labels {hsm.RootKeyLabel} and {hsm.IssuingKeyLabel}: not in this archive (back the token up with its own tools); the PIN is not in it either");
        }

        await output.WriteLineAsync($"{Verb}: wrote {target} ({manifest.Files.Count} files, {size} bytes{(ArchiveWriter.IsGzip(target) ? ", gzip" : "")}, mode 0600)");
    }

    private static void CheckTarget(string dataDir, string target, bool force)
    {
        if (!File.Exists(Path.Combine(dataDir, CaDirectory.RootCertificateFile)))
        {
            throw new BackupRefusedException($"{dataDir} has no {CaDirectory.RootCertificateFile}: not an Estuary data folder (use --data-dir)");
        }

        if (Directory.Exists(target))
        {
            throw new BackupRefusedException($"{target} is a folder; --to names the archive file");
        }

        if (File.Exists(target) && !force)
        {
            throw new BackupRefusedException($"{target} exists; use --force to replace it");
        }

        if (!Directory.Exists(Path.GetDirectoryName(target)))
        {
            throw new BackupRefusedException($"no folder {Path.GetDirectoryName(target)} for {target}");
        }

        // An archive inside the data folder would be copied into the next backup, and the next, each time bigger.
        if (target.StartsWith(Path.TrimEndingDirectorySeparator(dataDir) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BackupRefusedException($"{target} is inside the data folder {dataDir}; write the archive elsewhere");
        }
    }

    /// <summary>appsettings.json of the working folder (read by `serve` and every verb) and the --config file, as config/NAME.</summary>
    private static List<ConfigurationSource> CopyConfiguration(string? configFile, StagingFolder staging, SortedDictionary<string, UnixFileMode> modes)
    {
        var sources = new List<ConfigurationSource>();
        var appsettings = Path.Combine(Environment.CurrentDirectory, "appsettings.json");
        var candidates = new List<(string Path, string Entry)>();
        if (File.Exists(appsettings))
        {
            candidates.Add((appsettings, ArchiveLayout.ConfigPrefix + "appsettings.json"));
        }

        if (configFile is not null && Path.GetFullPath(configFile) is var full && full != appsettings)
        {
            var name = Path.GetFileName(full);
            candidates.Add((full, ArchiveLayout.ConfigPrefix + (candidates.Any(c => c.Entry.EndsWith("/" + name, StringComparison.Ordinal)) ? "config-" + name : name)));
        }

        foreach (var (path, entry) in candidates)
        {
            var removed = ConfigurationCopy.Copy(path, staging.PathOf(entry));
            modes[entry] = OperatingSystem.IsWindows() ? UnixFileMode.UserRead | UnixFileMode.UserWrite : File.GetUnixFileMode(path);
            sources.Add(new ConfigurationSource(entry, path, removed));
        }

        return sources;
    }
}
