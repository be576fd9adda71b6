namespace Estuary.Ra;

/// <summary>
/// The EST operations that ask the RA for something (RFC 7030 §3.2.2). /cacerts and /csrattrs are public and not
/// listed. <see cref="EstAuthorization.Authorize"/> has a rule for each; an operation without one is refused.
/// </summary>
public enum EstOperation
{
    /// <summary>/simpleenroll (RFC 7030 §4.2.1), including the repeat that collects an approved request (§4.2.3).</summary>
    SimpleEnroll,

    /// <summary>/simplereenroll (RFC 7030 §4.2.2): renew or rekey the certificate the client authenticated with.</summary>
    SimpleReenroll,

    /// <summary>/serverkeygen (RFC 7030 §4.4): the server generates the key pair and returns it with the certificate.</summary>
    ServerKeyGen,

    /// <summary>/fullcmc (RFC 7030 §4.3) carrying PKCS#10 certification requests.</summary>
    FullCmcEnroll,

    /// <summary>
    /// /fullcmc (RFC 7030 §4.3) renewing the certificate that signed the PKIData (RFC 5272 §3.2.1.3.1), authenticated by
    /// that signature alone (<see cref="AuthenticationMethod.CmsSignature"/>): the CMC answer to simplereenroll for
    /// certificates that cannot do TLS here (ML-DSA, docs/PQC.md).
    /// </summary>
    FullCmcReenroll,

    /// <summary>/fullcmc (RFC 7030 §4.3) carrying the revokeRequest control (RFC 5272 §6.11).</summary>
    FullCmcRevoke,
}

/// <summary>The names the audit log, the metrics and the certificate records use for <see cref="EstOperation"/>.</summary>
public static class EstOperationNames
{
    public static string Name(this EstOperation operation) => operation switch
    {
        EstOperation.SimpleEnroll => "simpleenroll",
        EstOperation.SimpleReenroll => "simplereenroll",
        EstOperation.ServerKeyGen => "serverkeygen",
        EstOperation.FullCmcEnroll => "fullcmc",
        EstOperation.FullCmcReenroll => "fullcmc reenroll",
        EstOperation.FullCmcRevoke => "fullcmc revoke",
        _ => operation.ToString(),
    };
}
