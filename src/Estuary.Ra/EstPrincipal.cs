using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ra;

/// <summary>How a client proved who it is (RFC 7030 §3.3).</summary>
public enum AuthenticationMethod
{
    /// <summary>HTTP Basic against a stored account (RFC 7030 §3.2.3).</summary>
    Basic,

    /// <summary>A TLS client certificate that this CA issued (RFC 7030 §3.3.2).</summary>
    ClientCertificate,
}

/// <summary>An authenticated EST client.</summary>
public sealed record EstPrincipal(AuthenticationMethod Method, string Name, X509Certificate2? Certificate = null, string? CertificateSerial = null)
{
    /// <summary>How storage and the audit log name this client: "basic:NAME" or "cert:SERIAL".</summary>
    public string Id => Method == AuthenticationMethod.Basic ? "basic:" + Name : "cert:" + CertificateSerial;
}
