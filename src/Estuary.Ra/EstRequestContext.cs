using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ra;

/// <summary>What the RA knows about one EST request besides its body.</summary>
public sealed record EstRequestContext
{
    /// <summary>The CA label (RFC 7030 §3.2.2), or empty for the default.</summary>
    public required string Label { get; init; }

    /// <summary>HTTP Basic credentials as sent, if any.</summary>
    public BasicCredentials? Basic { get; init; }

    /// <summary>The TLS client certificate of the connection, if any.</summary>
    public X509Certificate2? ClientCertificate { get; init; }

    /// <summary>The client address, for the audit log and rate limits.</summary>
    public string RemoteAddress { get; init; } = "";

    /// <summary>The TLS channel binding of the connection (RFC 7030 §3.5), computed by the web edge; null when not computed.</summary>
    public EstChannelBinding? ChannelBinding { get; init; }
}

/// <summary>A user name and password from an Authorization: Basic header.</summary>
public sealed record BasicCredentials(string Username, string Password)
{
    // The password must never reach a log through a record's generated ToString.
    public override string ToString() => $"BasicCredentials {{ Username = {Username} }}";
}
