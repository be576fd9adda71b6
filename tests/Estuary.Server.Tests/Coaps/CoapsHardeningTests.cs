using System.Formats.Asn1;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Coap;
using Estuary.Server.Coaps;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Coaps;

/// <summary>
/// The listener under hostile peers: no state before the cookie exchange, a cap on half-finished handshakes that
/// frees itself, and proof-of-possession linking with the DTLS session's tls-unique (RFC 7030 §3.5).
/// </summary>
public sealed class CoapsHardeningTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static async Task<EstuaryTestServer> StartAsync(Dictionary<string, string?> settings)
    {
        var server = EstuaryTestServer.WithCoaps(settings);
        await server.InitializeAsync();
        return server;
    }

    private static IPEndPoint EndPoint(EstuaryTestServer server) => server.GetRequiredService<CoapsListener>().LocalEndPoint!;

    private static async Task<bool> EventuallyAsync(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (DateTime.UtcNow < until)
        {
            if (condition())
            {
                return true;
            }

            await Task.Delay(50);
        }

        return condition();
    }

    [Fact]
    public async Task Garbage_and_cookie_less_client_hellos_leave_no_session_behind()
    {
        await using var server = await StartAsync([]);
        var listener = server.GetRequiredService<CoapsListener>();
        using var flood = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        var random = new Random(17);
        for (var i = 0; i < 500; i++)
        {
            var datagram = new byte[random.Next(1, 400)];
            random.NextBytes(datagram);
            // Half of them look like a DTLS 1.2 handshake record (content type 22, version 0xFEFD).
            if (i % 2 == 0 && datagram.Length > 3)
            {
                datagram[0] = 22;
                datagram[1] = 0xFE;
                datagram[2] = 0xFD;
            }

            flood.SendTo(datagram, EndPoint(server));
            if (i % 20 == 19)
            {
                await Task.Delay(5); // within the socket's receive buffer: the point is what arrives, not UDP loss
            }
        }

        var hellos = Enumerable.Range(0, 20).Select(_ => CoapDtlsClient.StartStalledHandshake(EndPoint(server), hellos: 1)).ToList();
        Assert.True(await EventuallyAsync(() => listener.Traffic.DatagramsReceived >= 400), $"{listener.Traffic.DatagramsReceived} datagrams received");
        // Garbage gets no answer; each cookie-less ClientHello gets a HelloVerifyRequest (RFC 6347 §4.2.1) and nothing is kept.
        Assert.True(await EventuallyAsync(() => listener.Traffic.DatagramsSent >= 20), $"{listener.Traffic.DatagramsSent} datagrams sent");

        Assert.Equal(0, listener.SessionCount);
        using var files = new PkiFiles();
        var crts = await CoapClient.RunAsync(server.CoapsUri!, "/.well-known/est/crts", files.Certificates("root.pem", server.RootCertificate));
        Assert.NotNull(crts.Payload);
        // coap-client ends with close_notify: its session is released then, not after the 2-minute idle timeout.
        Assert.True(await EventuallyAsync(() => listener.SessionCount == 0), $"{listener.SessionCount} sessions after close_notify");
        hellos.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Half_finished_handshakes_are_capped_and_expire()
    {
        await using var server = await StartAsync(new()
        {
            ["Estuary:Coaps:MaxSessions"] = "3",
            ["Estuary:Coaps:MaxSessionsPerAddress"] = "100",
            ["Estuary:Coaps:HandshakeTimeout"] = "00:00:02",
        });
        var listener = server.GetRequiredService<CoapsListener>();
        var peak = 0;

        var stalled = new List<Socket>();
        for (var i = 0; i < 8; i++)
        {
            stalled.Add(CoapDtlsClient.StartStalledHandshake(EndPoint(server)));
            await Task.Delay(20);
            peak = Math.Max(peak, listener.SessionCount);
        }

        Assert.True(await EventuallyAsync(() => listener.SessionCount == 3), $"{listener.SessionCount} sessions");
        peak = Math.Max(peak, listener.SessionCount);
        Assert.True(await EventuallyAsync(() => listener.SessionCount == 0), $"{listener.SessionCount} sessions left after the handshake timeout");
        Assert.True(peak <= 3, $"peak {peak}");
        stalled.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Sessions_per_address_are_capped()
    {
        await using var server = await StartAsync(new()
        {
            ["Estuary:Coaps:MaxSessionsPerAddress"] = "2",
            ["Estuary:Coaps:HandshakeTimeout"] = "00:00:02",
        });
        var listener = server.GetRequiredService<CoapsListener>();

        var stalled = Enumerable.Range(0, 5).Select(_ => CoapDtlsClient.StartStalledHandshake(EndPoint(server))).ToList();

        Assert.True(await EventuallyAsync(() => listener.SessionCount == 2));
        await Task.Delay(300);
        Assert.Equal(2, listener.SessionCount);
        stalled.ForEach(s => s.Dispose());
    }

    [Fact]
    public async Task Proof_of_possession_links_the_csr_to_the_dtls_session_by_tls_unique()
    {
        await using var server = await StartAsync(new() { ["Estuary:Labels:pop:RequireProofOfPossessionLinking"] = "true" });
        using var bootstrapKey = TestCsr.NewP256();
        using var basic = server.CreateClient(basicAuth: true);
        using var bootstrap = await EstWire.EnrollAsync(basic, "CN=pop-bootstrap", bootstrapKey);
        using var key = TestCsr.NewP256();

        using var session = CoapDtlsClient.Connect(EndPoint(server), bootstrap, bootstrapKey);
        var linked = session.Exchange(Sen("pop", LinkedCsr("CN=pop-linked", key, session.TlsUnique), 1));
        var unlinked = session.Exchange(Sen("pop", LinkedCsr("CN=pop-other", key, RandomNumberGenerator.GetBytes(12)), 2));

        Assert.Equal(CoapCode.Changed, linked!.Code);
        using var certificate = X509CertificateLoader.LoadCertificate(CertsOnly.Decode(linked.Payload).Single());
        Assert.Equal("CN=pop-linked", certificate.Subject);
        Assert.Equal(CoapCode.Forbidden, unlinked!.Code);
        Assert.Contains("tls-unique", System.Text.Encoding.UTF8.GetString(unlinked.Payload), StringComparison.Ordinal);
    }

    private static CoapMessage Sen(string label, byte[] csr, ushort messageId) => new(CoapMessageType.Confirmable, CoapCode.Post, messageId, [(byte)messageId],
        [
            CoapOption.FromText(CoapOptionNumber.UriPath, ".well-known"),
            CoapOption.FromText(CoapOptionNumber.UriPath, "est"),
            CoapOption.FromText(CoapOptionNumber.UriPath, label),
            CoapOption.FromText(CoapOptionNumber.UriPath, "sen"),
            CoapOption.FromNumber(CoapOptionNumber.ContentFormat, CoapContentFormat.Pkcs10),
        ],
        csr);

    /// <summary>RFC 7030 §3.5: the challengePassword holds the base64 of the channel binding.</summary>
    private static byte[] LinkedCsr(string subject, ECDsa key, byte[] binding)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        var password = new AsnWriter(AsnEncodingRules.DER);
        password.WriteCharacterString(UniversalTagNumber.PrintableString, Convert.ToBase64String(binding));
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, password.Encode()));
        return request.CreateSigningRequest();
    }
}
