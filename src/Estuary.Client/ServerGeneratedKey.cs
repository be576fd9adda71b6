using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>
/// The answer to serverkeygen (RFC 7030 §4.4.2): the private key the server generated, as an unencrypted
/// PKCS#8 PrivateKeyInfo (RFC 5958), and the certificate issued for it.
/// </summary>
public sealed record ServerGeneratedKey(byte[] Pkcs8PrivateKey, X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> OtherCertificates)
{
    /// <summary>When the key came encrypted (RFC 7030 §4.4.2): the certificate that signed the key package, else null.</summary>
    public X509Certificate2? KeyPackageSigner { get; init; }
}
