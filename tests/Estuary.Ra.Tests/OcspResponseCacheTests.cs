using Estuary.Ca;
using Estuary.Ra;
using Org.BouncyCastle.Math;
using Org.BouncyCastle.Ocsp;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>The bound and the eviction of pre-produced OCSP responses.</summary>
public sealed class OcspResponseCacheTests
{
    [Fact]
    public void The_cache_never_holds_more_than_its_capacity()
    {
        var cache = new OcspResponseCache(8);

        for (var serial = 1; serial <= 100; serial++)
        {
            cache.Add(Key(serial), Entry(serial));
            Assert.True(cache.Count <= 8);
        }

        Assert.Equal(8, cache.Count);
        Assert.Equal(8, Enumerable.Range(1, 100).Count(s => cache.Find(Key(s)) is not null));
    }

    [Fact]
    public void Concurrent_inserts_keep_the_bound()
    {
        var cache = new OcspResponseCache(16);

        Parallel.For(0, 2000, serial => cache.Add(Key(serial), Entry(serial)));

        Assert.Equal(16, cache.Count);
        Assert.Equal(16, Enumerable.Range(0, 2000).Count(s => cache.Find(Key(s)) is not null));
    }

    [Fact]
    public void An_answer_asked_for_since_the_hand_last_passed_outlives_one_never_asked_for_again()
    {
        var cache = new OcspResponseCache(3);
        cache.Add(Key(1), Entry(1));
        cache.Add(Key(2), Entry(2));
        cache.Add(Key(3), Entry(3));
        cache.Find(Key(1))!.Hit = true;

        cache.Add(Key(4), Entry(4));

        Assert.NotNull(cache.Find(Key(1)));
        Assert.Null(cache.Find(Key(2)));
        Assert.NotNull(cache.Find(Key(3)));
        Assert.NotNull(cache.Find(Key(4)));
    }

    [Fact]
    public void A_new_answer_for_a_kept_CertID_replaces_the_old_one_in_its_place()
    {
        var cache = new OcspResponseCache(2);
        cache.Add(Key(1), Entry(1));
        cache.Add(Key(1), Entry(10));

        Assert.Equal(1, cache.Count);
        Assert.Equal(10, cache.Find(Key(1))!.Generation);
    }

    private static readonly Org.BouncyCastle.X509.X509Certificate Issuer = new(IssuerCertificate());

    private static OcspCacheKey Key(long serial)
    {
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(CertificateID.DigestSha1, Issuer, BigInteger.ValueOf(serial)));
        return OcspCacheKey.TryRead(generator.Generate().GetEncoded())!;
    }

    private static OcspResponseCache.Entry Entry(long generation) =>
        new(new OcspAnswer([0x30, 0x03, 0x0A, 0x01, 0x00], 0, null, DateTimeOffset.UtcNow), generation, 0, new object(), null, DateTimeOffset.UtcNow);

    private static byte[] IssuerCertificate()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=Test Issuing CA", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }
}
