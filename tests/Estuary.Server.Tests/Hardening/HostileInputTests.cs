using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>
/// A corpus of bad requests sent to every EST endpoint on the default and a named label: each gets a 4xx
/// with a reason, nothing is written to storage, and the server keeps serving valid enrollments.
/// </summary>
public sealed class HostileInputTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Labels:iot:ValidityDays"] = "30" });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private static ByteArrayContent Body(byte[] bytes, string? contentType = "application/pkcs10")
    {
        var content = new ByteArrayContent(bytes);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return content;
    }

    private static byte[] B64(byte[] der) => Encoding.ASCII.GetBytes(TestCsr.Wrapped(der));

    /// <summary>Name → request body and Content-Type.</summary>
    private static IEnumerable<(string Name, byte[] Body, string? ContentType)> Corpus()
    {
        using var key = TestCsr.NewP256();
        var good = TestCsr.Create("CN=hostile", key);
        yield return ("empty", [], "application/pkcs10");
        yield return ("no content type", B64(good), null);
        yield return ("wrong content type", B64(good), "application/json");
        yield return ("content type garbage", B64(good), ";;;==");
        yield return ("invalid base64", Encoding.ASCII.GetBytes("%%%% not base64 ****"), "application/pkcs10");
        yield return ("base64 of garbage", Encoding.ASCII.GetBytes(Convert.ToBase64String(RandomNumberGenerator.GetBytes(300))), "application/pkcs10");
        yield return ("raw DER", good, "application/pkcs10");
        yield return ("truncated", B64(good[..^20]), "application/pkcs10");
        yield return ("trailing bytes", B64([.. good, 0, 0]), "application/pkcs10");
        var flipped = (byte[])good.Clone();
        flipped[^3] ^= 0x01;
        yield return ("bad signature", B64(flipped), "application/pkcs10");
        yield return ("indefinite nesting", B64(Enumerable.Repeat(new byte[] { 0x30, 0x80 }, 5000).SelectMany(b => b).ToArray()), "application/pkcs10");
        yield return ("absurd RSA key", B64(AbsurdRsaCsr()), "application/pkcs10");
        yield return ("thousands of SANs", B64(TestCsr.Create("CN=sans", key, Enumerable.Range(0, 1500).Select(i => $"dns:h{i}.x").ToArray())), "application/pkcs10");
        yield return ("invalid UTF-8 in subject", B64(CsrWithRawSubject(key, [0x30, 0x0E, 0x31, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x03, 0xC3, 0x28, 0xFF])), "application/pkcs10");
        yield return ("duplicate extension", B64(DuplicateExtensionCsr(key)), "application/pkcs10");
        yield return ("newline in CN", B64(CsrWithRawSubject(key, [0x30, 0x0E, 0x31, 0x0C, 0x30, 0x0A, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0C, 0x03, 0x61, 0x0A, 0x62])), "application/pkcs10");
        yield return ("CN that is an INTEGER", B64(CsrWithRawSubject(key, [0x30, 0x0C, 0x31, 0x0A, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x02, 0x01, 0x07])), "application/pkcs10");
        yield return ("two @ in rfc822Name", B64(TestCsr.Create("CN=at", key, "email:a@b@x.example")), "application/pkcs10");
        yield return ("huge body", new byte[1_000_000], "application/pkcs10");
    }

    private static byte[] AbsurdRsaCsr()
    {
        // A CSR whose RSA modulus is 20,000 bits: refused by size before any arithmetic.
        var spki = new AsnWriter(AsnEncodingRules.DER);
        using (spki.PushSequence())
        {
            using (spki.PushSequence())
            {
                spki.WriteObjectIdentifier(Oids.RsaEncryption);
                spki.WriteNull();
            }

            var rsa = new AsnWriter(AsnEncodingRules.DER);
            using (rsa.PushSequence())
            {
                var modulus = RandomNumberGenerator.GetBytes(2500);
                modulus[0] |= 0x80;
                rsa.WriteIntegerUnsigned(modulus);
                rsa.WriteInteger(65537);
            }

            spki.WriteBitString(rsa.Encode());
        }

        var request = new AsnWriter(AsnEncodingRules.DER);
        using (request.PushSequence())
        {
            using (request.PushSequence())
            {
                request.WriteInteger(0);
                request.WriteEncodedValue(new X500DistinguishedName("CN=absurd").RawData);
                request.WriteEncodedValue(spki.Encode());
                request.WriteEncodedValue(new byte[] { 0xA0, 0x00 });
            }

            using (request.PushSequence())
            {
                request.WriteObjectIdentifier(Oids.Sha256WithRsa);
                request.WriteNull();
            }

            request.WriteBitString(new byte[256]);
        }

        return request.Encode();
    }

    private static byte[] CsrWithRawSubject(ECDsa key, byte[] subject) =>
        new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256).CreateSigningRequest();

    private static byte[] DuplicateExtensionCsr(ECDsa key)
    {
        var request = new CertificateRequest("CN=dup", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509Extension(new Oid(Oids.KeyUsage), new byte[] { 0x03, 0x02, 0x07, 0x80 }, true));
        return request.CreateSigningRequest();
    }

    [Fact]
    public async Task Every_bad_request_gets_a_4xx_with_a_reason_and_writes_nothing()
    {
        var store = _server.GetRequiredService<IEstuaryStore>();
        var before = await store.CountCertificatesAsync(default);
        using var client = _server.CreateClient(basicAuth: true);
        client.DefaultRequestHeaders.ExpectContinue = true;
        var failures = new List<string>();
        foreach (var prefix in new[] { "", "iot/" })
        {
            foreach (var operation in new[] { "simpleenroll", "simplereenroll" })
            {
                foreach (var (name, body, contentType) in Corpus())
                {
                    using var response = await client.PostAsync(prefix + operation, Body(body, contentType));
                    var status = (int)response.StatusCode;
                    var text = await response.Content.ReadAsStringAsync();
                    if (status is < 400 or >= 500 || string.IsNullOrWhiteSpace(text))
                    {
                        failures.Add($"{prefix}{operation} / {name}: {status} '{text.Trim()}'");
                    }
                }
            }
        }

        Assert.Empty(failures);
        Assert.Equal(before, await store.CountCertificatesAsync(default));

        using var key = TestCsr.NewP256();
        using var still = await EstWire.EnrollAsync(client, "CN=still-serving", key);
        Assert.Equal("CN=still-serving", still.Subject);
    }

    [Theory]
    [InlineData("Basic !!!not-base64")]
    [InlineData("Basic " + "bm8tY29sb24=")] // "no-colon"
    [InlineData("Basic ")]
    public async Task A_malformed_Authorization_header_gets_401_with_a_reason(string header)
    {
        using var client = _server.CreateClient();
        using var key = TestCsr.NewP256();
        using var request = new HttpRequestMessage(HttpMethod.Post, "simpleenroll") { Content = EstWire.Pkcs10(TestCsr.Create("CN=x", key)) };
        request.Headers.TryAddWithoutValidation("Authorization", header);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.False(string.IsNullOrWhiteSpace(await response.Content.ReadAsStringAsync()));
    }

    [Theory]
    [InlineData("/.well-known/est/..%2f..%2fetc/cacerts")]
    [InlineData("/.well-known/est/%00/cacerts")]
    [InlineData("/.well-known/est/a%2Fb/csrattrs")]
    [InlineData("/.well-known/est/" + "x" + "/cacerts/extra")]
    public async Task Odd_paths_get_404_or_400(string path)
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync(new Uri(_server.BaseUri, path));

        Assert.Contains(response.StatusCode, new[] { HttpStatusCode.NotFound, HttpStatusCode.BadRequest });
    }

    [Fact]
    public async Task A_client_that_stops_sending_its_body_does_not_block_others()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, _server.BaseUri.Port);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, _, _, _) => true);
        await tls.AuthenticateAsClientAsync("localhost");
        var head = Encoding.ASCII.GetBytes($"POST /.well-known/est/simpleenroll HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/pkcs10\r\nContent-Length: 5000\r\n\r\nMIIB");
        await tls.WriteAsync(head);
        await tls.FlushAsync();

        // While that request hangs, others are served.
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var enrolled = await EstWire.EnrollAsync(client, "CN=not-blocked", key);
        Assert.Equal("CN=not-blocked", enrolled.Subject);
    }
}
