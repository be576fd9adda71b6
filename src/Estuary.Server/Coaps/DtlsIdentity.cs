using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Org.BouncyCastle.Crypto;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace Estuary.Server.Coaps;

/// <summary>
/// The HTTPS listener's TLS identity (CaMaterial.TlsCertificate and its issuer) in Bouncy Castle's form for the
/// DTLS server: one server identity for both transports, so a device pins one certificate (RFC 9148 §3).
/// </summary>
public sealed class DtlsIdentity
{
    private DtlsIdentity(byte[][] chain, ECPrivateKeyParameters key)
    {
        Chain = chain;
        PrivateKey = key;
    }

    /// <summary>The server certificate first, then its issuer, DER.</summary>
    public byte[][] Chain { get; }

    public ECPrivateKeyParameters PrivateKey { get; }

    /// <summary>The hash that goes with the key's curve in ECDSA signatures (RFC 8422 §5.10, RFC 5480 §4).</summary>
    public short PreferredHash => PrivateKey.Parameters.Curve.FieldSize switch
    {
        <= 256 => Org.BouncyCastle.Tls.HashAlgorithm.sha256,
        <= 384 => Org.BouncyCastle.Tls.HashAlgorithm.sha384,
        _ => Org.BouncyCastle.Tls.HashAlgorithm.sha512,
    };

    /// <exception cref="InvalidOperationException">The TLS key is not an exportable ECDSA key.</exception>
    public static DtlsIdentity From(CaMaterial material)
    {
        using var ecdsa = material.TlsCertificate.GetECDsaPrivateKey()
            ?? throw new InvalidOperationException("the CoAP listener needs the TLS certificate's ECDSA private key; this TLS certificate has another key type");
        var pkcs8 = ecdsa.ExportPkcs8PrivateKey();
        try
        {
            var key = (ECPrivateKeyParameters)PrivateKeyFactory.CreateKey(pkcs8);
            var issuer = material.TlsIssuer ?? material.Issuing.Certificate;
            return new DtlsIdentity([material.TlsCertificate.RawData, issuer.RawData], key);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
        }
    }

    /// <summary>The chain as a TLS Certificate message body.</summary>
    public Certificate ToCertificate(BcTlsCrypto crypto) =>
        new(Chain.Select(der => (Org.BouncyCastle.Tls.Crypto.TlsCertificate)new BcTlsCertificate(crypto, der)).ToArray());

    /// <summary>Converts a peer's leaf certificate to the BCL type the RA reads.</summary>
    public static X509Certificate2? Leaf(Certificate? peer) =>
        peer is null || peer.IsEmpty ? null : X509CertificateLoader.LoadCertificate(peer.GetCertificateAt(0).GetEncoded());

}
