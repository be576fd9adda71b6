using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ra;

/// <summary>How a client proved who it is (RFC 7030 §3.3).</summary>
public enum AuthenticationMethod
{
    /// <summary>HTTP Basic against a stored account (RFC 7030 §3.2.3).</summary>
    Basic,

    /// <summary>A TLS client certificate that this RA recorded when it issued (or forwarded) it (RFC 7030 §3.3.2).</summary>
    ClientCertificate,

    /// <summary>
    /// The signature of a /fullcmc PKIData by a certificate this RA recorded (RFC 5272 §3.2.1.3.1: the existing certificate
    /// is the identity proof), checked like a TLS client certificate and with a fresh signingTime. It authenticates a
    /// renewal of that certificate (<see cref="EstOperation.FullCmcReenroll"/>) and nothing else.
    /// </summary>
    CmsSignature,
}

/// <summary>
/// An authenticated EST client: who it is and where that came from. A Basic principal is its account. A certificate
/// principal is the record of the certificate's issuance: the account that owns it (<see cref="Account"/>, enabled at
/// authentication) and the label it was issued under (<see cref="IssuedLabel"/>). Its subject (<see cref="Name"/> for
/// certificates) is for display only: clients choose subjects, so no decision rests on it alone.
/// </summary>
public sealed record EstPrincipal(AuthenticationMethod Method, string Name, X509Certificate2? Certificate = null, string? CertificateSerial = null)
{
    /// <summary>The EST account behind this principal: the Basic user, or the account that owns the certificate.</summary>
    public string? Account { get; init; }

    /// <summary>For a certificate: the CA label it was issued under, as "default" for the label-less URLs.</summary>
    public string? IssuedLabel { get; init; }

    /// <summary>How storage and the audit log name this client: "basic:NAME" or "cert:SERIAL" (by TLS or by CMS signature: the same certificate).</summary>
    public string Id => Method == AuthenticationMethod.Basic ? "basic:" + Name : "cert:" + CertificateSerial;

    /// <summary>A Basic principal: its account.</summary>
    public static EstPrincipal ForAccount(string username) => new(AuthenticationMethod.Basic, username) { Account = username };

    /// <summary>How refusals name this client.</summary>
    public string Describe() => Method switch
    {
        AuthenticationMethod.Basic => $"account '{Name}'",
        AuthenticationMethod.CmsSignature => $"CMC signer certificate serial {CertificateSerial} ('{Name}', account '{Account}', label '{IssuedLabel}')",
        _ => $"client certificate serial {CertificateSerial} ('{Name}', account '{Account}', label '{IssuedLabel}')",
    };
}
