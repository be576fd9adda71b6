using System.Net;
using Estuary.Ra;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace Estuary.Server.Coaps;

/// <summary>
/// One DTLS session of the CoAP listener on its own thread: Bouncy Castle's handshake (the peer has already
/// passed the cookie exchange), then CoAP requests until the peer is idle for Estuary:Coaps:SessionIdleTimeout,
/// closes, or the listener stops. Bouncy Castle's DTLS API blocks, hence a thread rather than a task.
/// </summary>
internal sealed partial class CoapsSession
{
    private readonly DtlsPeerTransport _transport;
    private readonly EstDtlsServer _server;
    private readonly DtlsRequest _request;
    private readonly CoapsOptions _options;
    private readonly ReassemblyBudget _budget;
    private readonly EstCoapsResources _resources;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;
    private readonly Action<CoapsSession> _ended;

    public CoapsSession(DtlsPeerTransport transport, EstDtlsServer server, DtlsRequest request, CoapsOptions options, ReassemblyBudget budget, EstCoapsResources resources, ILogger logger, Action<CoapsSession> ended, CancellationToken stopping)
    {
        _transport = transport;
        _server = server;
        _request = request;
        _options = options;
        _budget = budget;
        _resources = resources;
        _logger = logger;
        _ended = ended;
        _stopping = stopping;
    }

    public IPEndPoint Remote => _transport.Remote;

    public DtlsPeerTransport Transport => _transport;

    public void Start() => new Thread(Run) { IsBackground = true, Name = "coaps " + Remote }.Start();

    public void Close() => _transport.Close();

    private void Run()
    {
        DtlsTransport? dtls = null;
        try
        {
            dtls = new DtlsServerProtocol().Accept(_server, _transport, _request);
            var peer = new CoapsPeer(Remote.Address.IsIPv4MappedToIPv6 ? Remote.Address.MapToIPv4().ToString() : Remote.Address.ToString(), _server.ClientCertificate, _server.ChannelBinding());
            using var exchanges = new CoapExchanges(_options, _budget, (request, token) => _resources.DispatchAsync(request, peer, token));
            var buffer = new byte[dtls.GetReceiveLimit()];
            var idle = (int)_options.SessionIdleTimeout.TotalMilliseconds;
            while (!_stopping.IsCancellationRequested)
            {
                var length = dtls.Receive(buffer, 0, buffer.Length, idle);
                if (length < 0)
                {
                    break; // idle: the session ends, its state with it
                }

                // Blocking here is the point: one request at a time per session (RFC 7252 §4.7, NSTART 1).
                var response = exchanges.HandleAsync(buffer.AsMemory(0, length).ToArray(), _stopping).GetAwaiter().GetResult();
                if (response is not null)
                {
                    dtls.Send(response, 0, response.Length);
                }
            }
        }
        catch (Exception e) when (e is TlsFatalAlert or TlsFatalAlertReceived or TlsTimeoutException or IOException or OperationCanceledException)
        {
            if (dtls is null)
            {
                HandshakeFailed(_logger, Remote.ToString(), e.Message);
            }
        }
        catch (Exception e)
        {
            // A bug must not take the listener down; the session ends and the reason is logged.
            RequestFailed(_logger, e, Remote.ToString());
        }
        finally
        {
            try
            {
                dtls?.Close();
            }
            catch (IOException)
            {
            }

            _transport.Close();
            _ended(this);
            _transport.Dispose();
        }
    }

    [LoggerMessage(EventId = EstuaryEventId.CoapsHandshakeFailed, Level = LogLevel.Debug, Message = "DTLS handshake with {Peer} failed: {Reason}")]
    private static partial void HandshakeFailed(ILogger logger, string peer, string reason);

    [LoggerMessage(EventId = EstuaryEventId.CoapsRequestFailed, Level = LogLevel.Error, Message = "CoAP session with {Peer} ended by an error")]
    private static partial void RequestFailed(ILogger logger, Exception exception, string peer);
}
