namespace Estuary.Server.Coaps;

/// <summary>
/// UDP payload bytes and datagrams the CoAP listener received and sent (DTLS records included), for the
/// bytes-on-the-wire comparison with HTTPS (docs/BENCHMARKS.md) and for tests.
/// </summary>
public sealed class CoapsTraffic
{
    private long _bytesReceived;
    private long _bytesSent;
    private long _datagramsReceived;
    private long _datagramsSent;

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long DatagramsReceived => Interlocked.Read(ref _datagramsReceived);

    public long DatagramsSent => Interlocked.Read(ref _datagramsSent);

    internal void Received(int bytes)
    {
        Interlocked.Add(ref _bytesReceived, bytes);
        Interlocked.Increment(ref _datagramsReceived);
    }

    internal void Sent(int bytes)
    {
        Interlocked.Add(ref _bytesSent, bytes);
        Interlocked.Increment(ref _datagramsSent);
    }
}
