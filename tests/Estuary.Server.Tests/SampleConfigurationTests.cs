using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>docs/appsettings.sample.json binds, and its "servers" label behaves as written.</summary>
public sealed class SampleConfigurationTests
{
    [Fact]
    public async Task The_sample_configuration_starts_and_its_servers_label_issues_90_day_server_certificates()
    {
        var server = new EstuaryTestServer { ConfigFile = Path.Combine(RepositoryPaths.Root, "docs", "appsettings.sample.json") };
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
