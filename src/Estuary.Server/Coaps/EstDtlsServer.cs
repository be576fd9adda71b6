using Estuary.Ra;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Estuary.Server.Coaps;

/// <summary>
/// Bouncy Castle's TLS server policy for one DTLS session of the CoAP listener: DTLS 1.2 only (RFC 9148 §3),
/// ECDHE-ECDSA with AEAD ciphers only (AES-CCM-8 is the CoAP mandatory suite, RFC 7252 §9.1.3.3; AES-GCM and
/// AES-CCM for clients built on general TLS stacks), the server certificate of the HTTPS listener, and a
/// client certificate asked for but not required: as on HTTPS (RFC 7030 §3.3.2) the RA decides what it is worth.
/// </summary>
internal sealed class EstDtlsServer(BcTlsCrypto crypto, DtlsIdentity identity, TimeSpan handshakeTimeout) : DefaultTlsServer(crypto)
{
    private static readonly int[] Suites =
    [
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM_8,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
        CipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_CCM,
    ];

    /// <summary>The client's certificate chain (leaf first) once the handshake has checked its CertificateVerify.</summary>
    public System.Security.Cryptography.X509Certificates.X509Certificate2? ClientCertificate { get; private set; }

    /// <summary>
    /// RFC 7030 §3.5 proof-of-possession linking: tls-unique (RFC 5929 §3.1) of this DTLS 1.2 session, read from
    /// Bouncy Castle after the handshake.
    /// </summary>
    public EstChannelBinding ChannelBinding()
    {
        try
        {
            return m_context.ExportChannelBinding(Org.BouncyCastle.Tls.ChannelBinding.tls_unique) is { Length: > 0 } value
                ? new EstChannelBinding(EstChannelBinding.TlsUnique, value)
                : EstChannelBinding.Unavailable("the DTLS session gave no tls-unique value");
        }
        catch (InvalidOperationException e)
        {
            return EstChannelBinding.Unavailable("the DTLS session gave no tls-unique value: " + e.Message);
        }
    }

    protected override ProtocolVersion[] GetSupportedVersions() => ProtocolVersion.DTLSv12.Only();

    protected override int[] GetSupportedCipherSuites() => Suites;

    public override int GetHandshakeTimeoutMillis() => (int)handshakeTimeout.TotalMilliseconds;

    // Extended master secret (RFC 7627) keeps tls-unique unique across sessions; OpenSSL and GnuTLS offer it.
    public override bool RequiresExtendedMasterSecret() => false;

    protected override TlsCredentialedSigner GetECDsaSignerCredentials()
    {
        var offered = m_context.SecurityParameters.ClientSigAlgs;
        var chosen = offered?.FirstOrDefault(a => a.Signature == SignatureAlgorithm.ecdsa && a.Hash == identity.PreferredHash)
            ?? offered?.FirstOrDefault(a => a.Signature == SignatureAlgorithm.ecdsa)
            ?? throw new TlsFatalAlert(AlertDescription.handshake_failure, "the client offers no ECDSA signature algorithm");
        return new BcDefaultTlsCredentialedSigner(new TlsCryptoParameters(m_context), crypto, identity.PrivateKey, identity.ToCertificate(crypto), chosen);
    }

    public override CertificateRequest GetCertificateRequest()
    {
        short[] types = [ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign];
        return new CertificateRequest(types, TlsUtilities.GetDefaultSupportedSignatureAlgorithms(m_context), null);
    }

    public override void NotifyClientCertificate(Certificate clientCertificate)
    {
        // Trust is not decided here: the RA looks the certificate up (its issuance record or the configured trust),
        // exactly as for a TLS client certificate on HTTPS. Bouncy Castle has checked the CertificateVerify signature.
        ClientCertificate = DtlsIdentity.Leaf(clientCertificate);
    }
}
