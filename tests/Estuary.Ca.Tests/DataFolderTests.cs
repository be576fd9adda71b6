using Xunit;

namespace Estuary.Ca.Tests;

/// <summary><see cref="DataFolder.Secure"/>: owner-only inside the data folder, and nothing outside it.</summary>
public sealed class DataFolderTests
{
    private const UnixFileMode Readable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    [Fact]
    public void Secure_tightens_nested_folders_and_files_but_never_follows_a_link_out_of_the_data_folder()
    {
        var root = Directory.CreateTempSubdirectory("estuary-datafolder").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            var outside = Path.Combine(root, "outside.txt");
            File.WriteAllText(outside, "not ours\n");
            File.SetUnixFileMode(outside, Readable);
            var nested = Path.Combine(data, "issuing-previous", "ABCD");
            Directory.CreateDirectory(nested);
            File.WriteAllText(Path.Combine(nested, "issuing-ca.pem"), "pem\n");
            File.SetUnixFileMode(Path.Combine(nested, "issuing-ca.pem"), Readable);
            File.CreateSymbolicLink(Path.Combine(data, "link-out"), outside);
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute);
            var report = new StringWriter();

            DataFolder.Secure(data, report);

            Assert.Equal(Readable, File.GetUnixFileMode(outside));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(nested, "issuing-ca.pem")));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
            var line = Assert.Single(report.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(Path.Combine("issuing-previous", "ABCD", "issuing-ca.pem"), line, StringComparison.Ordinal);
            Assert.DoesNotContain("link-out", line, StringComparison.Ordinal);

            var again = new StringWriter();
            DataFolder.Secure(data, again);
            Assert.Equal("", again.ToString());
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }

    [Fact]
    public void Secure_creates_a_missing_data_folder_0700()
    {
        var root = Directory.CreateTempSubdirectory("estuary-datafolder").FullName;
        try
        {
            var data = Path.Combine(root, "new", "data");

            DataFolder.Secure(data, TextWriter.Null);

            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(data));
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
