using Estuary.Ca;

namespace Estuary.Ra;

/// <summary>
/// The result of /serverkeygen (RFC 7030 §4.4): the issued certificate and its private key as PKCS#8
/// PrivateKeyInfo DER. The server keeps no copy; the caller writes it once and zeroes it.
/// </summary>
public sealed record ServerGeneratedKey(IssuedCertificate Certificate, byte[] PrivateKeyInfo)
{
    /// <summary>
    /// When the client asked for additional encryption (RFC 7030 §4.4.2): the EnvelopedData to send as
    /// application/pkcs7-mime; smime-type=server-generated-key instead of the PKCS#8 part (then <see cref="PrivateKeyInfo"/> is empty).
    /// </summary>
    public byte[]? EncryptedKey { get; init; }
}
