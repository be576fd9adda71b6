using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Server.Configuration;
using Estuary.Testing;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// docs/appsettings.sample.json binds, and its "servers" label behaves as written; it holds every key the options
/// classes read (as the configuration check derives them) and nothing else, so the sample and the check cannot drift.
/// </summary>
public sealed class SampleConfigurationTests
{
    private static string SamplePath => Path.Combine(RepositoryPaths.Root, "docs", "appsettings.sample.json");

    [Fact]
    public void The_sample_holds_every_key_the_configuration_check_knows_and_no_other()
    {
        var sample = new ConfigurationBuilder().AddJsonFile(SamplePath).Build();
        var written = sample.AsEnumerable().Select(p => Template(p.Key)).OfType<string>().ToHashSet(StringComparer.Ordinal);
        var known = ConfigurationSchema.Estuary.Keys().ToHashSet(StringComparer.Ordinal);

        Assert.Empty(known.Except(written).Order(StringComparer.Ordinal)); // keys missing from the sample
        Assert.Empty(written.Except(known).Order(StringComparer.Ordinal)); // keys in the sample that nothing reads
    }

    [Fact]
    public async Task The_configuration_check_finds_no_problem_in_the_sample()
    {
        var sample = new ConfigurationBuilder().AddJsonFile(SamplePath).Build();

        Assert.Empty(await ConfigurationCheck.RunAsync(sample, starting: false));
    }

    /// <summary>The schema key of a sample key: "*" for label and adapter names, lists ending at their key; null for a section or another root.</summary>
    private static string? Template(string key)
    {
        var parts = key.Split(':');
        if (parts[0] != ConfigurationSchema.Root || parts.Length == 1)
        {
            return null;
        }

        var node = ConfigurationSchema.Estuary;
        var template = ConfigurationSchema.Root;
        foreach (var part in parts[1..])
        {
            if (node.IsList || node.ValueType is not null)
            {
                break;
            }

            if (node.Children.TryGetValue(part, out var child))
            {
                template += ":" + part;
                node = child;
            }
            else if (node.AnyChild is { } any)
            {
                template += ":*";
                node = any;
            }
            else
            {
                return template + ":" + part + " (unknown)";
            }
        }

        return node.ValueType is not null || node.IsList ? template : null;
    }

    [Fact]
    public async Task The_sample_configuration_starts_and_its_servers_label_issues_90_day_server_certificates()
    {
        var server = new EstuaryTestServer { ConfigFile = SamplePath };
        await server.InitializeAsync();
        try
        {
            Assert.Contains("default, servers", server.StartupOutput, StringComparison.Ordinal);
            using var client = server.CreateClient(basicAuth: true);
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

            using var response = await client.PostAsync("servers/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=web-1", key, "dns:web-1.example.net")));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var certificate = Assert.Single(await EstWire.ReadCertsAsync(response));
            Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 89.9, 90.1);
            Assert.Contains(certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>(), o => o.Value == Oids.ServerAuth);
            Assert.True(server.GetRequiredService<Ca.CaMaterial>().TlsCertificate.MatchesHostname("est.example.net"));

            using var refused = await client.PostAsync("servers/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=web-2, OU=not-allowed", key)));
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
