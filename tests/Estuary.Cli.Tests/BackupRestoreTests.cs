using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;
using Estuary.Storage.Sqlite;
using Estuary.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Estuary.Cli.Tests;

/// <summary>
/// `estuary backup` of a running server under enrollment load, `estuary restore` into a new folder, and a second
/// server on the restored folder: every certificate issued before the backup began is in its database and answers
/// OCSP "good", and it enrolls new certificates under the same root. All with the real `estuary` binary.
/// </summary>
public sealed class BackupRestoreTests(ITestOutputHelper log)
{
    private const int LoadLoops = 4;
    private const int IssuedBeforeBackup = 24;

    [Fact]
    public async Task A_backup_taken_under_enrollment_load_restores_into_a_server_that_knows_every_earlier_certificate()
    {
        using var work = new TempDir();
        var source = work["source"];
        var restored = work["restored"];
        var archive = work["estuary-backup.tar.gz"];
        X509Certificate2[] before;
        X509Certificate2 root;
        int issuedDuringBackup;
        await using (var first = new EstuaryProcess(source))
        {
            // The load generator outruns the per-account limit on a fast machine; the limit is not what is tested.
            first.Environment["Estuary__RateLimits__PerAccountPerSecond"] = "0";
            first.Environment["Estuary__RateLimits__PerAddressPerSecond"] = "0";
            await first.StartAsync();
            root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(source, "root-ca.pem")));
            var issued = new ConcurrentQueue<X509Certificate2>();
            var enough = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            using var stop = new CancellationTokenSource();
            var loops = Enumerable.Range(0, LoadLoops).Select(n => Task.Run(() => EnrollUntilStoppedAsync(first, root, n, issued, enough, stop.Token))).ToArray();

            await Task.WhenAny(enough.Task, Task.WhenAll(loops));
            Assert.True(enough.Task.IsCompleted, "the enrollment loops ended before the backup: " + string.Join("; ", loops.Where(l => l.IsFaulted).Select(l => l.Exception!.InnerException!.Message)));
            before = [.. issued];

            var (code, output) = await EstuaryCli.RunAsync($"backup --to {archive} --data-dir {source}");
            issuedDuringBackup = issued.Count - before.Length;
            await stop.CancelAsync();
            await Task.WhenAll(loops);

            Assert.True(code == 0, output);
            log.WriteLine($"{before.Length} certificates issued before the backup, {issuedDuringBackup} while it ran\n{output}");
            Assert.Contains("online backup", output, StringComparison.Ordinal);
            Assert.Contains("mode 0600", output, StringComparison.Ordinal);
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(archive));
        }

        var restoreStarted = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var (restoreCode, restoreOutput) = await EstuaryCli.RunAsync($"restore --from {archive} --data-dir {restored}");
        Assert.True(restoreCode == 0, restoreOutput);
        Assert.Contains($"into {restored}", restoreOutput, StringComparison.Ordinal);

        // RFC 5280 §5.2.3: the original may have published CRLs after the copy, so the restored CRL numbers jump ahead.
        await using (var database = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(restored, "estuary.db")};Pooling=False"))
        {
            await database.OpenAsync();
            await using var query = database.CreateCommand();
            query.CommandText = "SELECT COUNT(*), MIN(number) FROM crl_numbers";
            await using var row = await query.ExecuteReaderAsync();
            Assert.True(await row.ReadAsync());
            Assert.True(row.GetInt64(0) > 0, "the original server published no CRL before the backup");
            Assert.True(row.GetInt64(1) >= restoreStarted, $"CRL number {row.GetInt64(1)} was not advanced past the restore time {restoreStarted}");
        }
        AssertOwnerOnly(restored);

        await using (var second = new EstuaryProcess(restored))
        {
            await second.StartAsync();
            using var files = new PkiFiles();
            var issuing = files.Certificates("issuing.pem", X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(restored, "issuing-ca.pem"))));
            var rootFile = files.Certificates("root.pem", root);
            foreach (var batch in before.Chunk(Estuary.Ca.OcspResponder.MaxRequests))
            {
                var serials = string.Concat(batch.Select(c => $" -serial 0x{c.SerialNumber}"));
                var (ocspCode, ocsp) = await Processes.RunAsync("openssl", $"ocsp -issuer {issuing}{serials} -url https://127.0.0.1:{second.Port}/ocsp -CAfile {rootFile}");
                Assert.True(ocspCode == 0, ocsp);
                Assert.Contains("Response verify OK", ocsp, StringComparison.Ordinal);
                Assert.All(batch, c => Assert.Contains($"0x{c.SerialNumber}: good", ocsp, StringComparison.Ordinal));
            }

            // A new enrollment on the restored server, over TLS that the original root still verifies.
            var (username, password) = second.EstCredentials();
            using var client = new EstClient(new EstClientOptions { Server = new Uri(second.EstUrl), TrustAnchors = [root], Username = username, Password = password, SendCredentialsUpFront = true });
            using var key = TestCsr.NewP256();
            var enrolled = await client.SimpleEnrollAsync(TestCsr.Create("CN=after-restore", key));
            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            chain.ChainPolicy.ExtraStore.AddRange((await client.GetCaCertsAsync()).Certificates.ToArray());
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            Assert.True(chain.Build(enrolled.Certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
            Assert.Equal(root.Thumbprint, chain.ChainElements[^1].Certificate.Thumbprint);
        }

        await using var store = await SqliteStore.OpenAsync(Path.Combine(restored, "estuary.db"));
        foreach (var certificate in before)
        {
            var record = await store.FindCertificateAsync(certificate.SerialNumber, default);
            Assert.True(record is not null, $"serial {certificate.SerialNumber} (issued before the backup) is not in the restored database; {before.Length} before, {issuedDuringBackup} during");
            Assert.Equal(certificate.RawData, record.Der);
        }
    }

    [Fact]
    public async Task Restore_refuses_a_folder_that_is_not_empty_and_leaves_it_alone()
    {
        using var work = new TempDir();
        var archive = await BackUpNewDataFolderAsync(work);
        var target = work["occupied"];
        Directory.CreateDirectory(target);
        await File.WriteAllTextAsync(Path.Combine(target, "keep.txt"), "mine");

        var (code, output) = await EstuaryCli.RunAsync($"restore --from {archive} --data-dir {target}");

        Assert.True(code == 2, output);
        Assert.Contains("is not empty", output, StringComparison.Ordinal);
        Assert.Single(output.Trim().Split('\n'));
        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(target).Select(Path.GetFileName));

        var (usage, usageOutput) = await EstuaryCli.RunAsync($"restore --from {archive}");
        Assert.True(usage == 2, usageOutput);
        Assert.Contains("--data-dir D are required", usageOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restore_of_an_archive_with_one_byte_changed_names_the_file_and_writes_nothing()
    {
        using var work = new TempDir();
        var archive = await BackUpNewDataFolderAsync(work);
        var bytes = await File.ReadAllBytesAsync(archive);
        long offset;
        using (var tar = new System.Formats.Tar.TarReader(new MemoryStream(bytes)))
        {
            System.Formats.Tar.TarEntry? entry;
            while ((entry = tar.GetNextEntry()) is not null && entry.Name != "data/root-ca.pem")
            {
            }

            offset = entry!.DataOffset;
        }

        bytes[offset + 40] ^= 0x01;
        var tampered = work["tampered.tar"];
        await File.WriteAllBytesAsync(tampered, bytes);
        var target = work["restored"];

        var (code, output) = await EstuaryCli.RunAsync($"restore --from {tampered} --data-dir {target}");

        Assert.True(code == 2, output);
        Assert.Contains("data/root-ca.pem does not match its SHA-256", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "a refused restore created the target folder");

        // Cut short in the middle of the database: refused as well, naming the file.
        long databaseOffset;
        using (var tar = new System.Formats.Tar.TarReader(new MemoryStream(bytes)))
        {
            System.Formats.Tar.TarEntry? entry;
            while ((entry = tar.GetNextEntry()) is not null && entry.Name != "data/estuary.db")
            {
            }

            databaseOffset = entry!.DataOffset;
        }

        var truncated = work["truncated.tar"];
        await File.WriteAllBytesAsync(truncated, (await File.ReadAllBytesAsync(archive))[..(int)(databaseOffset + 1000)]);
        var (cutCode, cutOutput) = await EstuaryCli.RunAsync($"restore --from {truncated} --data-dir {target}");
        Assert.True(cutCode == 2, cutOutput);
        Assert.Contains("data/estuary.db has 1000 bytes", cutOutput, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "a refused restore created the target folder");
    }

    [Theory]
    [InlineData("data/../../escaped.txt", "listed")]
    [InlineData("/tmp/escaped.txt", "listed")]
    [InlineData("data/../../escaped.txt", "unlisted")]
    [InlineData("data/root-link", "symlink")]
    [InlineData("data/hard-link", "hardlink")]
    public async Task Restore_refuses_an_entry_that_could_write_outside_the_folder(string name, string shape)
    {
        using var work = new TempDir();
        var archive = await BackUpNewDataFolderAsync(work);
        var hostile = work["hostile.tar"];
        using (var input = new System.Formats.Tar.TarReader(File.OpenRead(archive)))
        using (var output = new System.Formats.Tar.TarWriter(File.Create(hostile), System.Formats.Tar.TarEntryFormat.Pax))
        {
            var manifest = input.GetNextEntry(copyData: true)!;
            var payload = "written outside the data folder"u8.ToArray();
            if (shape == "listed")
            {
                // A manifest that lists the hostile name with its correct checksum: the name alone must be refused.
                var json = System.Text.Json.Nodes.JsonNode.Parse(manifest.DataStream!)!;
                json["files"]!.AsArray().Add(new System.Text.Json.Nodes.JsonObject
                {
                    ["path"] = name,
                    ["size"] = payload.Length,
                    ["mode"] = "0600",
                    ["sha256"] = Convert.ToHexStringLower(SHA256.HashData(payload)),
                });
                manifest = new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, "MANIFEST.json") { DataStream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(json.ToJsonString())) };
            }

            output.WriteEntry(manifest);
            while (input.GetNextEntry(copyData: true) is { } entry)
            {
                output.WriteEntry(entry);
            }

            output.WriteEntry(shape switch
            {
                "symlink" => new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.SymbolicLink, name) { LinkName = "/etc/passwd" },
                "hardlink" => new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.HardLink, name) { LinkName = "/etc/passwd" },
                _ => new System.Formats.Tar.PaxTarEntry(System.Formats.Tar.TarEntryType.RegularFile, name) { DataStream = new MemoryStream(payload) },
            });
        }

        var target = work["deep/restored"];
        var (code, text) = await EstuaryCli.RunAsync($"restore --from {hostile} --data-dir {target}");

        Assert.True(code == 2, text);
        Assert.Contains("refused", text, StringComparison.Ordinal);
        Assert.False(Directory.Exists(target), "a refused restore created the target folder");
        Assert.False(File.Exists(work["escaped.txt"]));
        Assert.False(File.Exists("/tmp/escaped.txt"));
    }

    [Fact]
    public async Task Backup_keeps_the_HSM_reference_but_never_the_PIN_and_never_overwrites_an_archive_without_force()
    {
        using var work = new TempDir();
        var data = await NewDataFolderAsync(work);
        var config = work["estuary.json"];
        await File.WriteAllTextAsync(config, """
            {
              // the PIN belongs in Estuary__Ca__Pkcs11__Pin, but operators put it here too
              "Estuary": { "Ca": { "KeyProvider": "pkcs11", "Pkcs11": { "ModulePath": "/usr/lib/softhsm/libsofthsm2.so", "TokenLabel": "ca-token", "Pin": "pin-7391-secret" } } },
            }
            """);
        var archive = work["hsm.tar"];

        var (code, output) = await EstuaryCli.RunAsync($"backup --to {archive} --data-dir {data} --config {config}");
        var (again, againOutput) = await EstuaryCli.RunAsync($"backup --to {archive} --data-dir {data} --config {config}");
        var (forced, forcedOutput) = await EstuaryCli.RunAsync($"backup --to {archive} --data-dir {data} --config {config} --force");

        Assert.True(code == 0, output);
        Assert.Contains("Pin blanked", output, StringComparison.Ordinal);
        Assert.Contains("token 'ca-token'", output, StringComparison.Ordinal);
        Assert.True(again == 2, againOutput);
        Assert.Contains("use --force", againOutput, StringComparison.Ordinal);
        Assert.True(forced == 0, forcedOutput);
        var text = System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(archive));
        Assert.DoesNotContain("pin-7391-secret", text, StringComparison.Ordinal);
        Assert.Contains("\"modulePath\": \"/usr/lib/softhsm/libsofthsm2.so\"", text, StringComparison.Ordinal);
        Assert.Contains("\"issuingKeyLabel\": \"estuary-issuing-ca\"", text, StringComparison.Ordinal);

        var restored = work["restored"];
        var (restoreCode, restoreOutput) = await EstuaryCli.RunAsync($"restore --from {archive} --data-dir {restored}");
        Assert.True(restoreCode == 0, restoreOutput);
        Assert.Contains($"configuration {restored}/restored-config/estuary.json was {config}", restoreOutput, StringComparison.Ordinal);
        Assert.Contains("Pin is blank", restoreOutput, StringComparison.Ordinal);
        Assert.Contains("token 'ca-token'", restoreOutput, StringComparison.Ordinal);
        AssertOwnerOnly(restored);
        foreach (var name in new[] { "root-ca.pem", "root-ca.key.pem", "issuing-ca.key.pem", "ca-key.passphrase" })
        {
            Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(data, name)), await File.ReadAllBytesAsync(Path.Combine(restored, name)));
        }
    }

    [Fact]
    public async Task Backup_of_a_PostgreSQL_server_says_the_database_is_not_in_it_and_restore_says_to_pg_restore()
    {
        using var work = new TempDir();
        var data = work["data"];
        var (init, initOutput) = await EstuaryCli.RunAsync($"ca init --data-dir {data}");
        Assert.True(init == 0, initOutput);
        var archive = work["pg.tar"];

        // Nothing connects: the database is pg_dump's job, so an unreachable server does not matter here.
        var (code, output) = await EstuaryCli.RunAsync($"backup --to {archive} --data-dir {data} --provider postgres --connection-string \"Host=db.invalid;Database=estuary;Username=estuary;Password=hunter2-secret\"");

        Assert.True(code == 0, output);
        Assert.Contains("is NOT in this archive: dump it with pg_dump", output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", output, StringComparison.Ordinal);
        var text = System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(archive));
        Assert.DoesNotContain("hunter2-secret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("data/estuary.db", text, StringComparison.Ordinal);
        Assert.Contains("\"store\": \"postgres\"", text, StringComparison.Ordinal);

        var (restoreCode, restoreOutput) = await EstuaryCli.RunAsync($"restore --from {archive} --data-dir {work["restored"]}");
        Assert.True(restoreCode == 0, restoreOutput);
        Assert.Contains("the database is NOT in this archive: restore the pg_dump", restoreOutput, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(work["restored"], "root-ca.key.pem")));
    }

    private static async Task EnrollUntilStoppedAsync(EstuaryProcess server, X509Certificate2 root, int loop, ConcurrentQueue<X509Certificate2> issued, TaskCompletionSource enough, CancellationToken stop)
    {
        var (username, password) = server.EstCredentials();
        using var client = new EstClient(new EstClientOptions { Server = new Uri(server.EstUrl), TrustAnchors = [root], Username = username, Password = password, SendCredentialsUpFront = true });
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            using var key = TestCsr.NewP256();
            try
            {
                var result = await client.SimpleEnrollAsync(TestCsr.Create($"CN=load-{loop}-{i}", key), stop);
                issued.Enqueue(result.Certificate);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return; // the request cut short by the end of the load; it may or may not have been issued
            }

            if (issued.Count >= IssuedBeforeBackup)
            {
                enough.TrySetResult();
            }
        }
    }

    /// <summary>The data folder 0700, every folder in it 0700 and every file 0600.</summary>
    private static void AssertOwnerOnly(string folder)
    {
        const UnixFileMode ownerFolder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
        Assert.Equal(ownerFolder, File.GetUnixFileMode(folder));
        foreach (var entry in new DirectoryInfo(folder).EnumerateFileSystemInfos("*", SearchOption.AllDirectories))
        {
            Assert.True(entry.LinkTarget is null, entry.FullName);
            Assert.Equal(entry is DirectoryInfo ? ownerFolder : UnixFileMode.UserRead | UnixFileMode.UserWrite, entry.UnixFileMode);
        }
    }

    /// <summary>A data folder as `estuary ca init` and `estuary db migrate` leave it, without a server (quicker).</summary>
    private static async Task<string> NewDataFolderAsync(TempDir work)
    {
        var data = work["data"];
        var (init, initOutput) = await EstuaryCli.RunAsync($"ca init --data-dir {data}");
        Assert.True(init == 0, initOutput);
        var (migrate, migrateOutput) = await EstuaryCli.RunAsync($"db migrate --data-dir {data}");
        Assert.True(migrate == 0, migrateOutput);
        return data;
    }

    private static async Task<string> BackUpNewDataFolderAsync(TempDir work)
    {
        var data = await NewDataFolderAsync(work);
        var archive = work["backup.tar"];
        var (code, output) = await EstuaryCli.RunAsync($"backup --to {archive} --data-dir {data}");
        Assert.True(code == 0, output);
        return archive;
    }
}
