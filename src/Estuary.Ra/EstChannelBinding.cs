namespace Estuary.Ra;

/// <summary>
/// The TLS channel binding of the connection a request arrived on, for proof-of-possession linking
/// (RFC 7030 §3.5): <c>tls-unique</c> (RFC 5929 §3) on TLS 1.2, <c>tls-exporter</c> (RFC 9266) on TLS 1.3.
/// <see cref="Value"/> is null when the server could not read it; <see cref="Problem"/> says why.
/// </summary>
public sealed record EstChannelBinding(string Type, byte[]? Value, string? Problem = null)
{
    public const string TlsUnique = "tls-unique";
    public const string TlsExporter = "tls-exporter";

    public static EstChannelBinding Unavailable(string problem) => new("none", null, problem);
}
