using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// The data folder holds CA keys, password hashes, the audit log and CSRs: 0700, and every folder in it 0700 and
/// every file 0600, on a first start and after an upgrade from a version that left them 0755/0644 (issue 12 item 7).
/// </summary>
public sealed class DataFolderModeTests
{
    [Fact]
    public async Task A_first_start_and_an_enrollment_leave_every_file_0600_and_every_folder_0700_including_the_sqlite_wal()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            using var client = server.CreateClient(basicAuth: true);
            using var key = TestCsr.NewP256();
            using var enrolled = await EstWire.EnrollAsync(client, "CN=modes-first-run", key);

            // SQLite creates these beside the database; with the server running they are there.
            Assert.True(File.Exists(Path.Combine(server.DataDir, "estuary.db-wal")));
            Assert.True(File.Exists(Path.Combine(server.DataDir, "estuary.db-shm")));
            Assert.Empty(DataFolderModes.LooserThanOwnerOnly(server.DataDir));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_start_on_a_folder_an_older_version_left_0755_with_0644_files_tightens_all_of_it_and_says_so()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            await server.StopAsync();
            Directory.CreateDirectory(Path.Combine(server.DataDir, "retired"));
            await File.WriteAllTextAsync(Path.Combine(server.DataDir, "retired", "notes.txt"), "kept by an operator\n");
            DataFolderModes.Loosen(server.DataDir);
            Assert.NotEmpty(DataFolderModes.LooserThanOwnerOnly(server.DataDir));

            await server.StartAsync();
            using var client = server.CreateClient(basicAuth: true);
            using var key = TestCsr.NewP256();
            using var enrolled = await EstWire.EnrollAsync(client, "CN=modes-upgrade", key);

            Assert.Empty(DataFolderModes.LooserThanOwnerOnly(server.DataDir));
            var line = Assert.Single(server.StartupOutput.Split('\n'), l => l.StartsWith("Data folder: removed group/other access", StringComparison.Ordinal));
            Assert.Contains(server.DataDir, line, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_first_start_in_a_folder_created_0755_holding_a_0644_file_tightens_both()
    {
        var server = new EstuaryTestServer();
        Directory.CreateDirectory(server.DataDir);
        var readme = Path.Combine(server.DataDir, "README.txt");
        await File.WriteAllTextAsync(readme, "prepared by configuration management\n");
        DataFolderModes.Loosen(server.DataDir);
        await server.InitializeAsync();
        try
        {
            Assert.Equal(DataFolderModes.OwnerFolder, File.GetUnixFileMode(server.DataDir));
            Assert.Equal(DataFolderModes.OwnerFile, File.GetUnixFileMode(readme));
            Assert.Empty(DataFolderModes.LooserThanOwnerOnly(server.DataDir));
            Assert.Contains("README.txt", server.StartupOutput, StringComparison.Ordinal);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
