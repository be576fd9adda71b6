using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;

namespace Estuary.Server.Coaps;

/// <summary>What the DTLS session tells the RA about its peer: address, client certificate, channel binding.</summary>
public sealed record CoapsPeer(string RemoteAddress, X509Certificate2? ClientCertificate, EstChannelBinding ChannelBinding)
{
    /// <summary>The RA's request context; CoAP has no HTTP Basic (RFC 9148 §3), so the certificate is the only credential.</summary>
    public EstRequestContext Context(string label) => new()
    {
        Label = label,
        Basic = null,
        ClientCertificate = ClientCertificate,
        RemoteAddress = RemoteAddress,
        ChannelBinding = ChannelBinding,
    };
}
