namespace Estuary.Server.Coaps;

/// <summary>
/// EST over CoAP and DTLS (RFC 9148), section "Estuary:Coaps". Off unless <see cref="Listen"/> is set. The limits
/// bound what a peer can make the server hold: sessions, handshakes, reassembly buffers and cached responses.
/// </summary>
public sealed class CoapsOptions
{
    /// <summary>coaps://HOST:PORT (UDP; 5684 is the coaps port, RFC 7252 §12.7); empty: no CoAP listener.</summary>
    public string Listen { get; set; } = "";

    /// <summary>DTLS sessions (handshaking or established) held at once; a new peer beyond it is not answered.</summary>
    public int MaxSessions { get; set; } = 256;

    /// <summary>DTLS sessions one IP address may hold at once.</summary>
    public int MaxSessionsPerAddress { get; set; } = 16;

    /// <summary>A handshake that has not finished in this time is dropped (its peer passed the cookie exchange).</summary>
    public TimeSpan HandshakeTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>An established session with no datagram for this long is closed.</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The largest block this server sends or takes (RFC 7959 §2.2: 16–1024, a power of two).</summary>
    public int BlockSize { get; set; } = 1024;

    /// <summary>The largest request body (after Block1 reassembly) per exchange; more gets 4.13 with Size1.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;

    /// <summary>Block1 transfers one session may have in progress at once.</summary>
    public int MaxExchangesPerSession { get; set; } = 4;

    /// <summary>Bytes all sessions together may hold in Block1 reassembly buffers.</summary>
    public int MaxReassemblyBytes { get; set; } = 4 * 1024 * 1024;
}
