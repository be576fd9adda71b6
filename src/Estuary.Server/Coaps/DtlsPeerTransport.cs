using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace Estuary.Server.Coaps;

/// <summary>
/// One peer's view of the shared UDP socket, as Bouncy Castle's DTLS stack reads and writes it: the listener's
/// receive loop puts each datagram from this address into a small bounded queue (a full queue drops, as a
/// network would), and sends go straight to the socket.
/// </summary>
internal sealed class DtlsPeerTransport(Socket socket, IPEndPoint remote, CoapsTraffic traffic) : DatagramTransport, IDisposable
{
    /// <summary>Datagrams waiting for the session thread; beyond it they are dropped (UDP may lose them anyway).</summary>
    private const int QueueDepth = 32;

    /// <summary>A DTLS record carries at most 2^14 bytes of plaintext plus its expansion (RFC 6347 §4.1).</summary>
    private const int ReceiveLimit = (1 << 14) + 2048;

    /// <summary>Handshake messages are fragmented to fit a common path MTU (RFC 6347 §4.1.1.1).</summary>
    private const int SendLimit = 1400;

    private readonly BlockingCollection<byte[]> _inbound = new(QueueDepth);

    public IPEndPoint Remote { get; } = remote;

    /// <summary>Hands a datagram to the session; false when its queue is full or it has closed.</summary>
    public bool Offer(byte[] datagram)
    {
        try
        {
            return _inbound.TryAdd(datagram);
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            return false;
        }
    }

    public int GetReceiveLimit() => ReceiveLimit;

    public int GetSendLimit() => SendLimit;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    /// <returns>The datagram's length, or -1 when none arrived in <paramref name="waitMillis"/> (Bouncy Castle's timeout).</returns>
    public int Receive(Span<byte> buffer, int waitMillis)
    {
        try
        {
            if (!_inbound.TryTake(out var datagram, Math.Max(0, waitMillis)))
            {
                // Closed (by close_notify, the idle timeout or the listener stopping): an IOException ends the session.
                // Not TlsTimeoutException: Bouncy Castle reads that as "no datagram yet" and would spin until its wait ends.
                return _inbound.IsAddingCompleted ? throw new IOException("this DTLS session is closed") : -1;
            }

            var length = Math.Min(datagram.Length, buffer.Length);
            datagram.AsSpan(0, length).CopyTo(buffer);
            return length;
        }
        catch (Exception e) when (e is InvalidOperationException or ObjectDisposedException)
        {
            throw new IOException("this DTLS session is closed", e);
        }
    }

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        try
        {
            var sent = socket.SendTo(buffer, SocketFlags.None, Remote);
            traffic.Sent(sent);
        }
        catch (ObjectDisposedException)
        {
            // The listener is stopping; the session ends on its next receive.
        }
        catch (SocketException)
        {
            // UDP: an unreachable peer is a lost datagram, not an error of this session.
        }
    }

    public void Close()
    {
        try
        {
            _inbound.CompleteAdding();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _inbound.Dispose();
}
