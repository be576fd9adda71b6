using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ra;

/// <summary>
/// The recipient a server-generated key is encrypted to (RFC 7030 §4.4.2): a certificate (ktri or kari, identified by
/// <see cref="KeyIdentifier"/> = its subjectKeyIdentifier) or a key-encryption key (kekri, kekid = <see cref="KeyIdentifier"/>).
/// </summary>
public sealed class KeyProtectionPlan
{
    private KeyProtectionPlan(byte[] keyIdentifier, X509Certificate2? certificate, byte[]? kek)
    {
        KeyIdentifier = keyIdentifier;
        Certificate = certificate;
        Kek = kek;
    }

    public byte[] KeyIdentifier { get; }

    public X509Certificate2? Certificate { get; }

    public byte[]? Kek { get; }

    public static KeyProtectionPlan ForCertificate(X509Certificate2 certificate, byte[] subjectKeyIdentifier) => new(subjectKeyIdentifier, certificate, null);

    public static KeyProtectionPlan ForKek(byte[] keyIdentifier, byte[] kek) => new(keyIdentifier, null, kek);
}
