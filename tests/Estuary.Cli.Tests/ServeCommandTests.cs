using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary serve` as a process: listen URLs it refuses before it creates anything.</summary>
public sealed class ServeCommandTests
{
    [Fact]
    public async Task Serve_refuses_one_port_for_the_EST_and_admin_listeners_with_exit_2_and_a_one_line_reason()
    {
        using var dir = new TempDir();
        var data = Path.Combine(dir.Path, "data");

        var (code, output) = await EstuaryCli.RunAsync($"serve --data-dir {data} --listen https://127.0.0.1:18443 --admin-listen https://127.0.0.1:18443");

        Assert.True(code == 2, output);
        var line = Assert.Single(output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Equal("estuary serve: Estuary:Admin:Listen: \"https://127.0.0.1:18443\" uses the port of Estuary:Listen (\"https://127.0.0.1:18443\"): give each listener a port of its own", line);
        Assert.False(Directory.Exists(data));
    }
}
