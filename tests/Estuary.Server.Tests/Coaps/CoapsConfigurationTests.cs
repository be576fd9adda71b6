using System.Net;
using System.Net.Sockets;
using Estuary.Server.Configuration;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Estuary.Server.Tests.Coaps;

/// <summary>The configuration check of Estuary:Coaps: address syntax, a UDP port in use, block size and limits.</summary>
public sealed class CoapsConfigurationTests
{
    private static async Task<IReadOnlyList<ConfigurationProblem>> CheckAsync(Dictionary<string, string?> values, bool starting = false)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        return (await ConfigurationCheck.RunAsync(configuration, starting)).Where(p => p.Key.StartsWith("Estuary:Coaps", StringComparison.Ordinal)).ToList();
    }

    [Theory]
    [InlineData("coaps://127.0.0.1:5684")]
    [InlineData("coaps://*:5684")]
    [InlineData("coaps://[::1]:5684")]
    [InlineData("coaps://localhost")]
    [InlineData("")]
    public async Task Good_listen_addresses_pass(string listen)
    {
        Assert.Empty(await CheckAsync(new() { ["Estuary:Coaps:Listen"] = listen }));
    }

    [Theory]
    [InlineData("udp://127.0.0.1:5684", "must be coaps://HOST:PORT")]
    [InlineData("https://127.0.0.1:5684", "must be coaps://HOST:PORT")]
    [InlineData("coaps://device.example:5684", "must be an IP address")]
    [InlineData("coaps://127.0.0.1:70000", "is not a number from 0 to 65535")]
    public async Task Bad_listen_addresses_are_named_with_why(string listen, string reason)
    {
        var problem = Assert.Single(await CheckAsync(new() { ["Estuary:Coaps:Listen"] = listen }));

        Assert.Equal("Estuary:Coaps:Listen", problem.Key);
        Assert.Contains(reason, problem.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_udp_port_in_use_is_a_start_up_problem()
    {
        using var taken = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        taken.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)taken.LocalEndPoint!).Port;
        var values = new Dictionary<string, string?> { ["Estuary:Coaps:Listen"] = $"coaps://127.0.0.1:{port}" };

        var problem = Assert.Single(await CheckAsync(values, starting: true));

        Assert.Contains($"UDP port {port} is already in use", problem.Message, StringComparison.Ordinal);
        Assert.Empty(await CheckAsync(values, starting: false));
    }

    [Fact]
    public async Task Block_size_and_limits_are_checked()
    {
        var problems = await CheckAsync(new()
        {
            ["Estuary:Coaps:BlockSize"] = "2048",
            ["Estuary:Coaps:MaxSessions"] = "0",
            ["Estuary:Coaps:HandshakeTimeout"] = "00:00:00",
        });

        Assert.Equal(["Estuary:Coaps:BlockSize", "Estuary:Coaps:HandshakeTimeout", "Estuary:Coaps:MaxSessions"], problems.Select(p => p.Key).Order(StringComparer.Ordinal));
    }
}
