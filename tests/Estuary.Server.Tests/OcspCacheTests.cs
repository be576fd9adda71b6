using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Testing;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Ocsp;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Ocsp;
using Xunit;
using BcCertificate = Org.BouncyCastle.X509.X509Certificate;
using BcExtension = Org.BouncyCastle.Asn1.X509.X509Extension;

namespace Estuary.Server.Tests;

/// <summary>
/// Pre-produced OCSP responses (RFC 5019 §2.2.1, RFC 6960 §2.4) over real TLS: served while nothing changed, never
/// for a nonce (RFC 8954), dropped at a revocation, bounded. ECDSA signatures are randomized, so two answers signed
/// apart never have the same bytes: byte-identical answers are one pre-produced answer served twice.
/// </summary>
public sealed class OcspCacheTests
{
    [Fact]
    public async Task Two_identical_nonce_less_requests_get_the_same_pre_produced_answer_with_RFC_5019_headers()
    {
        await using var started = await StartAsync();
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, ee) = await EnrollAsync(server, files, "CN=cache-same");
        var request = Request(server, certificate);

        using var client = server.CreateClient();
        using var first = await GetAsync(client, server, request);
        using var second = await GetAsync(client, server, request);
        var firstDer = await first.Content.ReadAsByteArrayAsync();
        var secondDer = await second.Content.ReadAsByteArrayAsync();

        Assert.Equal(firstDer, secondDer);
        Assert.Equal(ProducedAt(firstDer), ProducedAt(secondDer));
        Assert.Equal(1, server.GetRequiredService<OcspService>().Cache!.Count);
        // RFC 5019 §6.2: ETag = hex SHA-1 of the OCSPResponse, Last-Modified = thisUpdate, Expires = nextUpdate.
#pragma warning disable CA5350 // RFC 5019 §6.2 names SHA-1 for the ETag
        Assert.Equal($"\"{Convert.ToHexString(SHA1.HashData(firstDer))}\"", second.Headers.ETag!.Tag);
#pragma warning restore CA5350
        var single = Single(secondDer);
        Assert.Equal(new DateTimeOffset(single.ThisUpdate, TimeSpan.Zero), second.Content.Headers.LastModified);
        Assert.Equal(new DateTimeOffset(single.NextUpdate!.Value, TimeSpan.Zero), second.Content.Headers.Expires);
        Assert.True(second.Headers.CacheControl!.Public && second.Headers.CacheControl.MustRevalidate && second.Headers.CacheControl.NoTransform);
        Assert.Contains($"{ee}: good", await OpensslReadsAsync(server, files, secondDer, ee), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revocation_made_through_the_server_replaces_the_cached_good_answer_at_once()
    {
        await using var started = await StartAsync();
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, ee) = await EnrollAsync(server, files, "CN=cache-revoked");
        var request = Request(server, certificate);
        using var client = server.CreateClient();
        var good = await GetBytesAsync(client, server, request);
        Assert.Equal(good, await GetBytesAsync(client, server, request)); // now served from the cache

        var revoked = await server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(revoked.IsSuccess);

        var after = await GetBytesAsync(client, server, request);
        var output = await OpensslReadsAsync(server, files, after, ee);
        Assert.Contains($"{ee}: revoked", output, StringComparison.Ordinal);
        Assert.Contains("Reason: keyCompromise", output, StringComparison.Ordinal);
        Assert.Equal(after, await GetBytesAsync(client, server, request)); // the revoked answer is pre-produced in turn
    }

    [Fact]
    public async Task A_revocation_seen_only_in_storage_reaches_the_cache_when_the_generation_moves()
    {
        // Another node (or the CLI) revokes in the shared database; this node learns of it when the CRL publisher's
        // recheck observes the revocation generation (Estuary:Revocation:RecheckInterval). Until then the
        // pre-produced answer stands, as the CRL does.
        await using var started = await StartAsync();
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, ee) = await EnrollAsync(server, files, "CN=cache-elsewhere");
        var request = Request(server, certificate);
        using var client = server.CreateClient();
        var generation = server.GetRequiredService<RevocationGeneration>();
        generation.Observe(generation.Current + 1); // as the publisher's first read of storage does
        var good = await GetBytesAsync(client, server, request);

        var store = server.GetRequiredService<Estuary.Storage.IEstuaryStore>();
        Assert.True(await store.RevokeAsync(certificate.SerialNumber, DateTimeOffset.UtcNow, 1, new Estuary.Storage.AuditEvent(DateTimeOffset.UtcNow, "certificate.revoked", "test", "elsewhere"), default));
        Assert.Equal(good, await GetBytesAsync(client, server, request));

        generation.Observe(generation.Current + 1);
        Assert.Contains($"{ee}: revoked", await OpensslReadsAsync(server, files, await GetBytesAsync(client, server, request), ee), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_with_a_nonce_is_never_answered_from_the_cache()
    {
        await using var started = await StartAsync();
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, _) = await EnrollAsync(server, files, "CN=cache-nonce");
        using var client = server.CreateClient();
        var cached = await GetBytesAsync(client, server, Request(server, certificate));
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // producedAt has a resolution of one second

        var nonce = RandomNumberGenerator.GetBytes(16);
        var fresh = await PostAsync(client, server, Request(server, certificate, nonce));

        var basic = Basic(fresh);
        var echoed = basic.GetExtensionValue(OcspObjectIdentifiers.PkixOcspNonce);
        Assert.Equal(nonce, Asn1OctetString.GetInstance(echoed.GetOctets()).GetOctets()); // RFC 8954 §2.1
        Assert.True(basic.ProducedAt > ProducedAt(cached));
        Assert.Equal(1, server.GetRequiredService<OcspService>().Cache!.Count); // the nonce answer was not kept
    }

    [Fact]
    public async Task With_OcspCacheEntries_0_every_answer_is_signed_anew()
    {
        await using var started = await StartAsync(("Estuary:Revocation:OcspCacheEntries", "0"));
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, _) = await EnrollAsync(server, files, "CN=cache-off");
        var request = Request(server, certificate);
        using var client = server.CreateClient();

        Assert.NotEqual(await GetBytesAsync(client, server, request), await GetBytesAsync(client, server, request));
        Assert.Null(server.GetRequiredService<OcspService>().Cache);
    }

    [Fact]
    public async Task Unknown_answers_and_multi_certificate_requests_are_not_kept()
    {
        await using var started = await StartAsync();
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, _) = await EnrollAsync(server, files, "CN=cache-multi");
        var (other, _) = await EnrollAsync(server, files, "CN=cache-multi-2");
        using var client = server.CreateClient();
        var issuing = new BcCertificate(server.GetRequiredService<CertificateAuthority>().Certificate.RawData);

        var unknown = Request(server, serialHex: "4ABCDEF0123456789ABCDEF012345678");
        Assert.NotEqual(await GetBytesAsync(client, server, unknown), await GetBytesAsync(client, server, unknown));
        var both = new OcspReqGenerator();
        both.AddRequest(new CertificateID(CertificateID.DigestSha1, issuing, new Org.BouncyCastle.Math.BigInteger(certificate.SerialNumber, 16)));
        both.AddRequest(new CertificateID(CertificateID.DigestSha1, issuing, new Org.BouncyCastle.Math.BigInteger(other.SerialNumber, 16)));
        var pair = both.Generate().GetEncoded();
        Assert.NotEqual(await GetBytesAsync(client, server, pair), await GetBytesAsync(client, server, pair));

        Assert.Equal(0, server.GetRequiredService<OcspService>().Cache!.Count);
    }

    [Fact]
    public async Task The_cache_never_holds_more_answers_than_its_bound()
    {
        await using var started = await StartAsync(("Estuary:Revocation:OcspCacheEntries", "2"));
        var server = started.Server;
        using var files = new PkiFiles();
        using var client = server.CreateClient();
        var cache = server.GetRequiredService<OcspService>().Cache!;
        var requests = new List<byte[]>();
        for (var i = 0; i < 5; i++)
        {
            var (certificate, _) = await EnrollAsync(server, files, $"CN=cache-bound-{i}");
            requests.Add(Request(server, certificate));
            await GetBytesAsync(client, server, requests[^1]);
            Assert.True(cache.Count <= 2, $"{cache.Count} entries after {i + 1} certificates");
        }

        Assert.Equal(2, cache.Count);
        // The two newest are the ones kept (neither older one was asked twice); each is served as kept.
        Assert.Equal(await GetBytesAsync(client, server, requests[^1]), await GetBytesAsync(client, server, requests[^1]));
    }

    [Fact]
    public async Task A_new_responder_certificate_makes_the_kept_answers_anew()
    {
        // A responder certificate of 6 s (with its 5 minutes of backdating) is due at once: each renewal call issues one.
        await using var started = await StartAsync(("Estuary:Revocation:OcspSignerValidity", "00:00:06"));
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, _) = await EnrollAsync(server, files, "CN=cache-signer");
        var request = Request(server, certificate);
        using var client = server.CreateClient();
        var ocsp = server.GetRequiredService<OcspService>();
        var first = await GetBytesAsync(client, server, request);
        Assert.Equal(first, await GetBytesAsync(client, server, request));

        ocsp.RenewSignerIfDue();

        var renewed = await GetBytesAsync(client, server, request);
        Assert.NotEqual(first, renewed);
        Assert.Equal(ocsp.Signer.Certificate.RawData, Basic(renewed).GetCerts()[0].GetEncoded());
        Assert.NotEqual(Basic(first).GetCerts()[0].GetEncoded(), Basic(renewed).GetCerts()[0].GetEncoded());
    }

    [Fact]
    public async Task A_pre_produced_answer_older_than_a_quarter_of_OcspValidity_is_produced_anew()
    {
        // OcspValidity 8 s: a pre-produced answer is served for 2 s.
        await using var started = await StartAsync(("Estuary:Revocation:OcspValidity", "00:00:08"));
        var server = started.Server;
        using var files = new PkiFiles();
        var (certificate, _) = await EnrollAsync(server, files, "CN=cache-age");
        var request = Request(server, certificate);
        using var client = server.CreateClient();
        var first = await GetBytesAsync(client, server, request);
        Assert.Equal(first, await GetBytesAsync(client, server, request));

        await Task.Delay(TimeSpan.FromSeconds(2.5));

        var later = await GetBytesAsync(client, server, request);
        Assert.NotEqual(first, later);
        Assert.True(ProducedAt(later) > ProducedAt(first));
    }

    /// <summary>A server of its own per test: each test counts the entries of its cache.</summary>
    private static async Task<Started> StartAsync(params (string Key, string Value)[] settings)
    {
        var server = EstuaryTestServer.With(settings.ToDictionary(s => s.Key, s => (string?)s.Value));
        await server.InitializeAsync();
        return new Started(server);
    }

    private static async Task<(X509Certificate2 Certificate, string Path)> EnrollAsync(EstuaryTestServer server, PkiFiles files, string subject)
    {
        using var basic = server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        var certificate = await EstWire.EnrollAsync(basic, subject, key);
        return (certificate, files.Certificates(Guid.NewGuid().ToString("N") + ".pem", certificate));
    }

    /// <summary>A one-certificate OCSPRequest with SHA-1 CertID hashes (RFC 5019 §2.1.1), with a nonce when given.</summary>
    private static byte[] Request(EstuaryTestServer server, X509Certificate2? certificate = null, byte[]? nonce = null, string? serialHex = null)
    {
        var issuing = new BcCertificate(server.GetRequiredService<CertificateAuthority>().Certificate.RawData);
        var generator = new OcspReqGenerator();
        generator.AddRequest(new CertificateID(CertificateID.DigestSha1, issuing, new Org.BouncyCastle.Math.BigInteger(serialHex ?? certificate!.SerialNumber, 16)));
        if (nonce is not null)
        {
            generator.SetRequestExtensions(new X509Extensions(new Dictionary<DerObjectIdentifier, BcExtension>
            {
                [OcspObjectIdentifiers.PkixOcspNonce] = new BcExtension(false, new DerOctetString(new DerOctetString(nonce))),
            }));
        }

        return generator.Generate().GetEncoded();
    }

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, EstuaryTestServer server, byte[] request) =>
        client.GetAsync(new Uri(server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp/" + Uri.EscapeDataString(Convert.ToBase64String(request))));

    private static async Task<byte[]> GetBytesAsync(HttpClient client, EstuaryTestServer server, byte[] request)
    {
        using var response = await GetAsync(client, server, request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static async Task<byte[]> PostAsync(HttpClient client, EstuaryTestServer server, byte[] request)
    {
        using var content = new ByteArrayContent(request);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
        using var response = await client.PostAsync(new Uri(server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp"), content);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", response.Headers.CacheControl!.ToString());
        return await response.Content.ReadAsByteArrayAsync();
    }

    private static BasicOcspResp Basic(byte[] der)
    {
        var response = new OcspResp(der);
        Assert.Equal(OcspRespStatus.Successful, response.Status);
        return (BasicOcspResp)response.GetResponseObject();
    }

    private static DateTime ProducedAt(byte[] der) => Basic(der).ProducedAt;

    private static SingleResp Single(byte[] der) => Assert.Single(Basic(der).Responses);

    /// <summary>openssl's own reading of a response (signature, chain to the root, status), as OcspTests does.</summary>
    private static async Task<string> OpensslReadsAsync(EstuaryTestServer server, PkiFiles files, byte[] der, string ee)
    {
        var name = Guid.NewGuid().ToString("N");
        var response = files.File_(name + ".der");
        await File.WriteAllBytesAsync(response, der);
        var issuing = files.Certificates(name + "-issuing.pem", server.GetRequiredService<CertificateAuthority>().Certificate);
        var root = files.Certificates(name + "-root.pem", server.RootCertificate);
        var (code, output) = await Processes.RunAsync("openssl", $"ocsp -respin {response} -issuer {issuing} -cert {ee} -no_nonce -CAfile {root}");
        Assert.True(code == 0, output);
        Assert.Contains("Response verify OK", output, StringComparison.Ordinal);
        return output;
    }

    private sealed class Started(EstuaryTestServer server) : IAsyncDisposable
    {
        public EstuaryTestServer Server => server;

        public async ValueTask DisposeAsync() => await server.DisposeAsync();
    }
}
