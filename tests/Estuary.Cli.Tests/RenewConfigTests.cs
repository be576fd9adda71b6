using Estuary.Cli.Client;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

public sealed class RenewConfigTests
{
    [Fact]
    public void The_shipped_sample_configuration_loads_with_overrides_and_relative_paths_resolved()
    {
        var path = Path.Combine(RepositoryPaths.Root, "docs", "renew.sample.json");

        var config = RenewConfig.Load(path);

        Assert.Equal("https://est.example.net:8443", config.Server);
        Assert.Equal(2, config.Certificates.Count);
        Assert.Equal("tls", config.Certificates[0].Label);
        Assert.True(config.Certificates[1].Rekey);
        Assert.Equal(Path.Combine(RepositoryPaths.Root, "docs", "mqtt", "cert.pem"), config.Certificates[1].Cert);
        Assert.Equal("systemctl restart mosquitto", config.Certificates[1].DeployHook);
    }

    [Fact]
    public void A_fraction_outside_0_to_1_is_refused()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["r.json"], """{ "renewAfter": 2, "certificates": [ { "cert": "c.pem", "key": "k.pem" } ] }""");

        var e = Assert.Throws<CliUsageException>(() => RenewConfig.Load(dir["r.json"]));

        Assert.Contains("renewAfter", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("15m", 900)]
    [InlineData("12h", 43200)]
    [InlineData("1d", 86400)]
    [InlineData("00:30:00", 1800)]
    public void Durations_read_as_people_write_them(string text, int seconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(seconds), Duration.Parse(text, "--interval"));
    }
}
