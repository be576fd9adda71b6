using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Estuary.Ca;
using Estuary.Ra;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Estuary.Server.Coaps;

/// <summary>
/// The EST-coaps listener (RFC 9148): one UDP socket, a receive loop that hands each datagram to its peer's DTLS
/// session, and the stateless cookie exchange (RFC 6347 §4.2.1, Bouncy Castle's DtlsVerifier) before any state is
/// kept for a new peer, so a spoofed source address cannot make the server hold anything. Sessions are capped in
/// total and per address; idle ones end.
/// </summary>
public sealed partial class CoapsListener : IHostedService, IDisposable
{
    private readonly CoapsOptions _options;
    private readonly CaMaterial _material;
    private readonly EstCoapsResources _resources;
    private readonly ILogger<CoapsListener> _logger;
    private readonly ConcurrentDictionary<IPEndPoint, CoapsSession> _sessions = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly BcTlsCrypto _crypto = new(new SecureRandom());
    private Socket? _socket;
    private DtlsVerifier? _verifier;
    private DtlsIdentity? _identity;
    private Task? _loop;

    public CoapsListener(IOptions<EstuaryOptions> options, CaMaterial material, RegistrationAuthority ra, ILogger<CoapsListener> logger)
    {
        _options = options.Value.Coaps;
        _material = material;
        _resources = new EstCoapsResources(ra);
        _logger = logger;
        Budget = new ReassemblyBudget(_options.MaxReassemblyBytes);
    }

    /// <summary>The bound address (its port when configured as 0); null when the listener is off.</summary>
    public IPEndPoint? LocalEndPoint { get; private set; }

    public CoapsTraffic Traffic { get; } = new();

    public ReassemblyBudget Budget { get; }

    /// <summary>DTLS sessions held now (handshaking or established).</summary>
    public int SessionCount => _sessions.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(_options.Listen))
        {
            return Task.CompletedTask;
        }

        var endpoint = CoapsAddress.Parse(_options.Listen, out var problem) ?? throw new InvalidOperationException("Estuary:Coaps:Listen " + problem);
        _identity = DtlsIdentity.From(_material);
        _verifier = new DtlsVerifier(_crypto);
        _socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        if (endpoint.AddressFamily == AddressFamily.InterNetworkV6)
        {
            _socket.DualMode = true;
        }

        // Bursts of handshakes arrive faster than one loop reads them; the kernel caps this at net.core.rmem_max.
        _socket.ReceiveBufferSize = 1 << 20;
        _socket.Bind(endpoint);
        LocalEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
        Listening(_logger, CoapsAddress.Scheme + "://" + LocalEndPoint);
        _loop = Task.Run(ReceiveLoopAsync, CancellationToken.None);
        return Task.CompletedTask;
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[65536];
        EndPoint any = _socket!.AddressFamily == AddressFamily.InterNetworkV6 ? new IPEndPoint(IPAddress.IPv6Any, 0) : new IPEndPoint(IPAddress.Any, 0);
        while (!_stopping.IsCancellationRequested)
        {
            SocketReceiveFromResult received;
            try
            {
                received = await _socket.ReceiveFromAsync(buffer, SocketFlags.None, any, _stopping.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                continue; // ICMP port unreachable from an earlier send (Linux reports it on the next receive)
            }

            Traffic.Received(received.ReceivedBytes);
            var remote = (IPEndPoint)received.RemoteEndPoint;
            var datagram = buffer.AsSpan(0, received.ReceivedBytes).ToArray();
            if (_sessions.TryGetValue(remote, out var session))
            {
                session.Transport.Offer(datagram);
                continue;
            }

            Admit(remote, datagram);
        }
    }

    /// <summary>A datagram from an address with no session: a ClientHello with a valid cookie starts one.</summary>
    private void Admit(IPEndPoint remote, byte[] datagram)
    {
        DtlsRequest? request;
        try
        {
            // Answers a ClientHello without (or with a stale) cookie with HelloVerifyRequest and keeps nothing.
            request = _verifier!.VerifyRequest(remote.Serialize().Buffer.ToArray(), datagram, 0, datagram.Length, new CookieSender(_socket!, remote, Traffic));
        }
        catch (Exception e) when (e is IOException or TlsException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            return;
        }

        if (request is null)
        {
            return;
        }

        if (_sessions.Count >= _options.MaxSessions || _sessions.Keys.Count(k => k.Address.Equals(remote.Address)) >= _options.MaxSessionsPerAddress)
        {
            SessionRefused(_logger, remote.ToString(), _sessions.Count);
            return;
        }

        var transport = new DtlsPeerTransport(_socket!, remote, Traffic);
        var server = new EstDtlsServer(_crypto, _identity!, _options.HandshakeTimeout);
        var session = new CoapsSession(transport, server, request, _options, Budget, _resources, _logger, s => _sessions.TryRemove(new KeyValuePair<IPEndPoint, CoapsSession>(s.Remote, s)), _stopping.Token);
        if (_sessions.TryAdd(remote, session))
        {
            session.Start();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        _socket?.Close();
        foreach (var session in _sessions.Values)
        {
            session.Close();
        }

        if (_loop is not null)
        {
            await _loop.WaitAsync(cancellationToken).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _socket?.Dispose();
    }

    [LoggerMessage(EventId = EstuaryEventId.CoapsListening, Level = LogLevel.Information, Message = "EST-coaps (RFC 9148) listening on {Address}")]
    private static partial void Listening(ILogger logger, string address);

    [LoggerMessage(EventId = EstuaryEventId.CoapsSessionRefused, Level = LogLevel.Warning, Message = "DTLS session for {Peer} refused: {Sessions} sessions held, or that address is at its limit")]
    private static partial void SessionRefused(ILogger logger, string peer, int sessions);
}
