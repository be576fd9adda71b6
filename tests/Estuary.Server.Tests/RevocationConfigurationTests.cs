using Estuary.Server.Configuration;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>The configuration check of Estuary:Revocation:CrlPartitions: 0 (off) or a power of two from 2 to 256.</summary>
public sealed class RevocationConfigurationTests
{
    private static async Task<IReadOnlyList<ConfigurationProblem>> CheckAsync(string? partitions)
    {
        var values = new Dictionary<string, string?>();
        if (partitions is not null)
        {
            values["Estuary:Revocation:CrlPartitions"] = partitions;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return (await ConfigurationCheck.RunAsync(configuration, starting: false)).Where(p => p.Key.StartsWith("Estuary:Revocation", StringComparison.Ordinal)).ToList();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("0")]
    [InlineData("2")]
    [InlineData("16")]
    [InlineData("256")]
    public async Task Off_or_a_power_of_two_from_2_to_256_passes(string? partitions)
    {
        Assert.Empty(await CheckAsync(partitions));
    }

    [Theory]
    [InlineData("1", "power of two from 2 to 256")]
    [InlineData("3", "power of two from 2 to 256")]
    [InlineData("100", "power of two from 2 to 256")]
    [InlineData("512", "power of two from 2 to 256")]
    [InlineData("-16", "must not be negative")]
    [InlineData("sixteen", "whole number")]
    public async Task Any_other_count_is_one_problem_naming_the_key(string partitions, string reason)
    {
        var problem = Assert.Single(await CheckAsync(partitions));

        Assert.Equal("Estuary:Revocation:CrlPartitions", problem.Key);
        Assert.Equal(partitions, problem.Value);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_server_does_not_start_with_a_bad_count_and_writes_nothing()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), "estuary-partitions-" + Guid.NewGuid().ToString("N")[..12]);
        var overrides = new Dictionary<string, string?>
        {
            ["Estuary:DataDir"] = dataDir,
            ["Estuary:Listen"] = "https://127.0.0.1:0",
            ["Estuary:Admin:Listen"] = "https://127.0.0.1:0",
            ["Estuary:Revocation:CrlPartitions"] = "24",
        };

        var refused = await Assert.ThrowsAsync<ConfigurationProblemsException>(() => EstuaryServer.BuildAsync(null, overrides, TextWriter.Null));

        Assert.Contains(refused.Problems, p => p.Key == "Estuary:Revocation:CrlPartitions");
        Assert.False(Directory.Exists(dataDir));
    }
}
