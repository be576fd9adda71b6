using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// The verbs that write a data folder leave it as `serve` does: the folder and every folder in it 0700, every file
/// 0600, whatever the caller's umask (issue 12 item 7).
/// </summary>
public sealed class DataFolderModeCliTests
{
    /// <summary>The real `estuary` under the usual login umask 022 (this test process may run with another).</summary>
    private static Task<(int ExitCode, string Output)> EstuaryAsync(string arguments) =>
        Processes.RunAsync("/bin/sh", $"-c \"umask 022 && exec dotnet '{EstuaryCli.DllPath}' {arguments}\"");

    [Fact]
    public async Task Ca_init_db_migrate_and_issuing_renew_keep_a_0755_folder_they_are_given_owner_only()
    {
        using var dir = new TempDir();
        var data = dir["data"];
        Directory.CreateDirectory(data);
        await File.WriteAllTextAsync(Path.Combine(data, "notes.txt"), "prepared by configuration management\n");
        DataFolderModes.Loosen(data);

        var (init, initOutput) = await EstuaryAsync($"ca init --data-dir {data}");
        Assert.True(init == 0, initOutput);
        Assert.Contains("Data folder: removed group/other access", initOutput, StringComparison.Ordinal);
        var (migrate, migrateOutput) = await EstuaryAsync($"db migrate --data-dir {data}");
        Assert.True(migrate == 0, migrateOutput);
        var (renew, renewOutput) = await EstuaryAsync($"ca issuing renew --data-dir {data}");
        Assert.True(renew == 0, renewOutput);

        Assert.True(File.Exists(Path.Combine(data, "estuary.db")));
        Assert.True(Directory.Exists(Path.Combine(data, "issuing-previous")));
        Assert.Empty(DataFolderModes.LooserThanOwnerOnly(data));
    }

    [Fact]
    public async Task Db_migrate_tightens_a_database_an_older_version_left_0644()
    {
        using var dir = new TempDir();
        var data = dir["data"];
        var (first, firstOutput) = await EstuaryAsync($"db migrate --data-dir {data}");
        Assert.True(first == 0, firstOutput);
        DataFolderModes.Loosen(data);

        var (again, againOutput) = await EstuaryAsync($"db migrate --data-dir {data}");

        Assert.True(again == 0, againOutput);
        Assert.Contains("estuary.db", againOutput, StringComparison.Ordinal);
        Assert.Empty(DataFolderModes.LooserThanOwnerOnly(data));
    }
}
