using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// The CRL is served from the one signed copy the publisher keeps (a 100,000-entry CRL takes most of a second to sign,
/// docs/BENCHMARKS.md): fetching it never signs. Every signature takes the next CRL number from storage (RFC 5280
/// §5.2.3), so "no signature happened" shows as "no number was used".
/// </summary>
public sealed class CrlCacheTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    [Fact]
    public async Task Fetching_the_CRL_returns_the_same_signed_bytes_and_uses_no_CRL_number()
    {
        using var client = server.CreateClient();
        var first = await GetCrlAsync(client);

        var fetches = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => GetCrlAsync(client)));

        Assert.All(fetches, f => Assert.Equal(first, f));
        // The next signature, after a revocation, takes the very next number: the 21 fetches signed nothing.
        await RevokeNewCertificateAsync("CN=crl-cache-bump");
        var after = await GetCrlAsync(client);
        Assert.Equal(NumberOf(first) + 1, NumberOf(after));
        Assert.NotEqual(first, after);
    }

    private async Task RevokeNewCertificateAsync(string subject)
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(basic, subject, key);
        var result = await server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.Superseded, "test", default);
        Assert.True(result.IsSuccess, result.Error?.Message);
    }

    private async Task<byte[]> GetCrlAsync(HttpClient client)
    {
        using var response = await client.GetAsync(new Uri(server.BaseUri, "/crl/issuing.crl"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static System.Numerics.BigInteger NumberOf(byte[] der)
    {
        CertificateRevocationListBuilder.Load(der, out var number);
        return number;
    }
}
