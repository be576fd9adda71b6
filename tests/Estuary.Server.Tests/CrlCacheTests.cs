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

    [Fact]
    public async Task A_client_holding_the_current_CRL_gets_304_until_the_next_one_is_signed()
    {
        using var client = server.CreateClient();
        using var first = await client.GetAsync(new Uri(server.BaseUri, "/crl/issuing.crl"));
        var etag = first.Headers.ETag;
        Assert.NotNull(etag);
        Assert.False(etag.IsWeak);
        var lastModified = first.Content.Headers.LastModified;
        Assert.NotNull(lastModified);

        using (var revalidate = await ConditionalGetAsync(client, r => r.Headers.IfNoneMatch.Add(etag)))
        {
            Assert.Equal(HttpStatusCode.NotModified, revalidate.StatusCode);
            Assert.Empty(await revalidate.Content.ReadAsByteArrayAsync());
            Assert.Equal(etag, revalidate.Headers.ETag);
        }

        using (var bySince = await ConditionalGetAsync(client, r => r.Headers.IfModifiedSince = lastModified))
        {
            Assert.Equal(HttpStatusCode.NotModified, bySince.StatusCode);
        }

        // If-None-Match decides when both are sent (RFC 9110 §13.2.2): another tag means "send it".
        using (var otherTag = await ConditionalGetAsync(client, r =>
        {
            r.Headers.IfNoneMatch.Add(new System.Net.Http.Headers.EntityTagHeaderValue("\"other-1\""));
            r.Headers.IfModifiedSince = lastModified;
        }))
        {
            Assert.Equal(HttpStatusCode.OK, otherTag.StatusCode);
            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await otherTag.Content.ReadAsByteArrayAsync());
        }

        await RevokeNewCertificateAsync("CN=crl-etag-bump");

        using var after = await ConditionalGetAsync(client, r => r.Headers.IfNoneMatch.Add(etag));
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.NotEqual(etag, after.Headers.ETag);
        Assert.Equal(NumberOf(await first.Content.ReadAsByteArrayAsync()) + 1, NumberOf(await after.Content.ReadAsByteArrayAsync()));
    }

    private async Task<HttpResponseMessage> ConditionalGetAsync(HttpClient client, Action<HttpRequestMessage> condition)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(server.BaseUri, "/crl/issuing.crl"));
        condition(request);
        return await client.SendAsync(request);
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
