using System.Net;
using System.Net.Sockets;
using Org.BouncyCastle.Tls;

namespace Estuary.Server.Coaps;

/// <summary>Sends the HelloVerifyRequest of the stateless cookie exchange (RFC 6347 §4.2.1) to one address.</summary>
internal sealed class CookieSender(Socket socket, IPEndPoint remote, CoapsTraffic traffic) : DatagramSender
{
    public int GetSendLimit() => 1400;

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        try
        {
            traffic.Sent(socket.SendTo(buffer, SocketFlags.None, remote));
        }
        catch (SocketException)
        {
        }
    }
}
