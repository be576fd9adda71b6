using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Coap;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Estuary.Testing;

/// <summary>
/// A DTLS 1.2 CoAP client on Bouncy Castle for what coap-client cannot do in a test: read the session's tls-unique
/// (to put it in a CSR's challengePassword, RFC 7030 §3.5), send hand-made CoAP messages, and stall a handshake on
/// purpose after the cookie exchange. Not an EST client; it trusts any server certificate.
/// </summary>
public sealed class CoapDtlsClient : IDisposable
{
    private readonly Socket _socket;
    private readonly DtlsTransport _dtls;
    private readonly Client _client;
    private readonly UdpTransport _transport;

    private CoapDtlsClient(Socket socket, DtlsTransport dtls, Client client, UdpTransport transport)
    {
        _socket = socket;
        _dtls = dtls;
        _client = client;
        _transport = transport;
    }

    /// <summary>UDP payload bytes this client sent, DTLS handshake and records included (for the benchmark).</summary>
    public long BytesSent => _transport.BytesSent;

    /// <summary>UDP payload bytes this client received.</summary>
    public long BytesReceived => _transport.BytesReceived;

    /// <summary>tls-unique of this session (RFC 5929 §3.1).</summary>
    public byte[] TlsUnique => _client.Context.ExportChannelBinding(ChannelBinding.tls_unique);

    public static CoapDtlsClient Connect(IPEndPoint server, X509Certificate2? certificate = null, ECDsa? key = null)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        var crypto = new BcTlsCrypto(new SecureRandom());
        var client = new Client(crypto, certificate, key);
        var transport = new UdpTransport(socket, stallAfterSends: 0);
        var dtls = new DtlsClientProtocol().Connect(client, transport);
        return new CoapDtlsClient(socket, dtls, client, transport);
    }

    /// <summary>
    /// Sends <paramref name="hellos"/> ClientHellos and then nothing: with 1, the first (cookie-less) ClientHello only, which a
    /// server must answer without keeping state; with 2, the cookie exchange is passed and the server holds a half-finished
    /// handshake until its timeout. Returns the socket, which keeps the peer's address in use until disposed.
    /// </summary>
    public static Socket StartStalledHandshake(IPEndPoint server, int hellos = 2)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
        socket.Connect(server);
        var crypto = new BcTlsCrypto(new SecureRandom());
        var transport = new UdpTransport(socket, stallAfterSends: hellos);
        var thread = new Thread(() =>
        {
            try
            {
                new DtlsClientProtocol().Connect(new Client(crypto, null, null), transport);
            }
            catch (Exception e) when (e is TlsException or IOException or ObjectDisposedException or SocketException)
            {
            }
        })
        { IsBackground = true };
        thread.Start();
        return socket;
    }

    /// <summary>Sends one CoAP message and returns the next one received (null after <paramref name="timeout"/>).</summary>
    public CoapMessage? Exchange(CoapMessage request, TimeSpan? timeout = null)
    {
        var bytes = request.Encode();
        _dtls.Send(bytes, 0, bytes.Length);
        var buffer = new byte[_dtls.GetReceiveLimit()];
        var length = _dtls.Receive(buffer, 0, buffer.Length, (int)(timeout ?? TimeSpan.FromSeconds(10)).TotalMilliseconds);
        return length < 0 ? null : CoapMessage.TryDecode(buffer.AsSpan(0, length), out var response, out _) ? response : null;
    }

    public void Dispose()
    {
        try
        {
            _dtls.Close();
        }
        catch (IOException)
        {
        }

        _socket.Dispose();
    }

    private sealed class Client(BcTlsCrypto crypto, X509Certificate2? certificate, ECDsa? key) : DefaultTlsClient(crypto)
    {
        public TlsClientContext Context => m_context;

        public BcTlsCrypto BcCrypto { get; } = crypto;

        public X509Certificate2? ClientCertificate { get; } = certificate;

        public ECDsa? ClientKey { get; } = key;

        protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

        protected override int[] GetSupportedCipherSuites() => [CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256];

        public override TlsAuthentication GetAuthentication() => new Authentication(this);

        private sealed class Authentication(Client client) : TlsAuthentication
        {
            public void NotifyServerCertificate(TlsServerCertificate serverCertificate)
            {
            }

            public TlsCredentials? GetClientCredentials(Org.BouncyCastle.Tls.CertificateRequest certificateRequest)
            {
                if (client.ClientCertificate is null || client.ClientKey is null)
                {
                    return null;
                }

                var pkcs8 = client.ClientKey.ExportPkcs8PrivateKey();
                var privateKey = PrivateKeyFactory.CreateKey(pkcs8);
                var chain = new Certificate([new BcTlsCertificate(client.BcCrypto, client.ClientCertificate.RawData)]);
                return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(client.Context), client.BcCrypto, privateKey, chain,
                    new SignatureAndHashAlgorithm(Org.BouncyCastle.Tls.HashAlgorithm.sha256, SignatureAlgorithm.ecdsa));
            }
        }
    }

    /// <summary>A connected UDP socket as Bouncy Castle's DatagramTransport; -1 on a receive timeout.</summary>
    private sealed class UdpTransport(Socket socket, int stallAfterSends) : DatagramTransport
    {
        private int _sent;

        public long BytesSent { get; private set; }

        public long BytesReceived { get; private set; }

        public int GetReceiveLimit() => 16384 + 2048;

        public int GetSendLimit() => 1400;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            if (stallAfterSends > 0 && _sent >= stallAfterSends)
            {
                Thread.Sleep(Math.Max(1, waitMillis));
                return -1;
            }

            socket.ReceiveTimeout = Math.Max(1, waitMillis);
            try
            {
                var received = socket.Receive(buffer);
                BytesReceived += received;
                return received;
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.TimedOut)
            {
                return -1;
            }
        }

        public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

        public void Send(ReadOnlySpan<byte> buffer)
        {
            _sent++;
            if (stallAfterSends > 0 && _sent > stallAfterSends)
            {
                return; // a stalled client sends only its ClientHellos
            }

            BytesSent += socket.Send(buffer);
        }

        public void Close() => socket.Dispose();
    }
}
