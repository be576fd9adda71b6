using System.Net;
using System.Net.Sockets;
using Estuary.Ra;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Upstream;

/// <summary>
/// Two real Estuary servers: the upstream CA with an account for the RA, and the front server whose
/// configuration declares upstream EST adapters pointing at it (one right, one with a wrong password, one at a
/// closed port, one at a port that accepts and never answers) and whose templates issue through them.
/// </summary>
public sealed class UpstreamPair : IAsyncLifetime
{
    private TcpListener? _silent;

    public EstuaryTestServer Upstream { get; } = new();

    public EstuaryTestServer Front { get; private set; } = null!;

    public string DevicePassword { get; private set; } = "";

    public string OtherPassword { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Upstream.InitializeAsync();
        var (raPassword, problem) = await Upstream.GetRequiredService<AccountService>().CreateAsync("ra-front", [], "test", CancellationToken.None);
        Assert.True(raPassword is not null, problem);

        // A port that accepts TCP and never speaks TLS: the adapter must give up after its timeout.
        _silent = new TcpListener(IPAddress.Loopback, 0);
        _silent.Start();
        var silentPort = ((IPEndPoint)_silent.LocalEndpoint).Port;
        var closedPort = ClosedPort();

        var rootPem = await File.ReadAllTextAsync(Upstream.RootCertificatePath);
        var config = new Dictionary<string, string?>();
        void Adapter(string name, string url, string password, int timeout = 10)
        {
            config[$"Estuary:Adapters:{name}:BaseUrl"] = url;
            config[$"Estuary:Adapters:{name}:TrustAnchorPem"] = rootPem;
            config[$"Estuary:Adapters:{name}:Username"] = "ra-front";
            config[$"Estuary:Adapters:{name}:Password"] = password;
            config[$"Estuary:Adapters:{name}:TimeoutSeconds"] = timeout.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Adapter("upstream-ca", Upstream.BaseUri.GetLeftPart(UriPartial.Authority), raPassword!);
        Adapter("held-ca", Upstream.BaseUri.GetLeftPart(UriPartial.Authority), raPassword!);
        config["Estuary:Adapters:held-ca:Label"] = "held";
        Adapter("wrong-password", Upstream.BaseUri.GetLeftPart(UriPartial.Authority), "not-the-password");
        Adapter("down", $"https://127.0.0.1:{closedPort}", raPassword!);
        Adapter("silent", $"https://127.0.0.1:{silentPort}", raPassword!, timeout: 2);
        // The upstream holds enrollments on its label "held" for an administrator's approval (RFC 7030 §4.2.3).
        var held = await Upstream.GetRequiredService<TemplateService>().SaveAsync(
            new TemplateDefinition { Name = "held", Labels = ["held"], RequireApproval = true, AllowedKeys = ["P-256"], DnsPatterns = ["*.devices.example"] }, create: true, "test", CancellationToken.None);
        Assert.Empty(held);
        Front = EstuaryTestServer.With(config);
        await Front.InitializeAsync();

        var accounts = Front.GetRequiredService<AccountService>();
        DevicePassword = (await accounts.CreateAsync("device-1", [], "test", CancellationToken.None)).Password!;
        OtherPassword = (await accounts.CreateAsync("intruder", [], "test", CancellationToken.None)).Password!;
        var templates = Front.GetRequiredService<TemplateService>();
        foreach (var (name, adapter) in new[] { ("proxied", "upstream-ca"), ("held", "held-ca"), ("wrongpw", "wrong-password"), ("down", "down"), ("silent", "silent") })
        {
            var problems = await templates.SaveAsync(
                new TemplateDefinition
                {
                    Name = name,
                    Labels = [name],
                    Adapter = adapter,
                    AllowedAccounts = ["device-1"],
                    CommonNamePattern = "device-*",
                    DnsPatterns = ["*.devices.example"],
                    AllowedKeys = ["P-256"],
                },
                create: true,
                "test",
                CancellationToken.None);
            Assert.Empty(problems);
        }
    }

    public async Task DisposeAsync()
    {
        _silent?.Stop();
        _silent?.Dispose();
        if (Front is not null)
        {
            await Front.DisposeAsync();
        }

        await Upstream.DisposeAsync();
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return port;
    }
}
