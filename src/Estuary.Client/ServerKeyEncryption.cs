using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Client;

/// <summary>
/// How the client wants a server-generated key encrypted on top of TLS (RFC 7030 §4.4.1): to the key of one of its
/// certificates (AsymmetricDecryptKeyIdentifier = the certificate's subjectKeyIdentifier, §4.4.1.2) or under a
/// symmetric key it shares with the server (DecryptKeyIdentifier, §4.4.1.1). Put <see cref="CsrAttribute"/> into
/// the CSR and pass this to <see cref="EstClient.ServerKeyGenAsync(byte[], ServerKeyEncryption, CancellationToken)"/>.
/// </summary>
public sealed class ServerKeyEncryption
{
    private readonly byte[]? _key;

    private ServerKeyEncryption(DecryptKeyKind kind, byte[] keyIdentifier, X509Certificate2? certificate, byte[]? key)
    {
        Kind = kind;
        KeyIdentifier = keyIdentifier;
        Certificate = certificate;
        _key = key;
    }

    public DecryptKeyKind Kind { get; }

    /// <summary>The subjectKeyIdentifier of <see cref="Certificate"/>, or the symmetric key's identifier (the CMS kekid).</summary>
    public byte[] KeyIdentifier { get; }

    /// <summary>The client certificate with its RSA or EC private key (asymmetric only).</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The attribute to add to the CSR (<c>CertificateRequest.OtherRequestAttributes</c>).</summary>
    public AsnEncodedData CsrAttribute =>
        new(Kind == DecryptKeyKind.Symmetric ? Oids.DecryptKeyIdentifier : Oids.AsymmetricDecryptKeyIdentifier, DecryptKeyRequest.EncodeValue(KeyIdentifier));

    /// <summary>Encrypt to this certificate's key: RSA (the server uses RSAES-OAEP) or EC (ECDH); it must carry a subjectKeyIdentifier and its private key.</summary>
    /// <exception cref="ArgumentException">No private key, no subjectKeyIdentifier, or neither RSA nor EC.</exception>
    public static ServerKeyEncryption ToCertificate(X509Certificate2 certificate)
    {
        if (!certificate.HasPrivateKey)
        {
            throw new ArgumentException("the decryption certificate needs its private key", nameof(certificate));
        }

        if (certificate.Extensions[Oids.SubjectKeyIdentifier] is not X509SubjectKeyIdentifierExtension { SubjectKeyIdentifier: { } hex })
        {
            throw new ArgumentException("the decryption certificate has no subjectKeyIdentifier, which RFC 7030 §4.4.1.2 uses to name it", nameof(certificate));
        }

        var isRsa = certificate.GetRSAPublicKey() is { } rsa && Disposed(rsa);
        var isEc = !isRsa && certificate.GetECDiffieHellmanPublicKey() is { } ec && Disposed(ec);
        if (!isRsa && !isEc)
        {
            throw new ArgumentException("the decryption certificate holds neither an RSA nor an EC key", nameof(certificate));
        }

        return new ServerKeyEncryption(DecryptKeyKind.Asymmetric, Convert.FromHexString(hex), certificate, null);

        static bool Disposed(IDisposable key)
        {
            key.Dispose();
            return true;
        }
    }

    /// <summary>Encrypt under a symmetric AES key (16, 24 or 32 bytes) the server holds for this account under <paramref name="keyIdentifier"/>.</summary>
    /// <exception cref="ArgumentException">The key is not 16, 24 or 32 bytes, or the identifier is empty or too long.</exception>
    public static ServerKeyEncryption WithSymmetricKey(byte[] keyIdentifier, byte[] key)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("the symmetric key is an AES key of 16, 24 or 32 bytes", nameof(key));
        }

        if (keyIdentifier.Length is 0 or > DecryptKeyRequest.MaxIdentifierLength)
        {
            throw new ArgumentException($"the key identifier holds 1 to {DecryptKeyRequest.MaxIdentifierLength} bytes", nameof(keyIdentifier));
        }

        return new ServerKeyEncryption(DecryptKeyKind.Symmetric, keyIdentifier.ToArray(), null, key.ToArray());
    }

    /// <summary>Opens the EnvelopedData of the key part; the SignedData inside.</summary>
    internal byte[] Open(byte[] envelopedData) =>
        Certificate is { } certificate
            ? ServerGeneratedKeyEnvelope.OpenWithPrivateKey(envelopedData, certificate)
            : ServerGeneratedKeyEnvelope.OpenWithKek(envelopedData, KeyIdentifier, _key!);

    /// <summary>True when <paramref name="csrDer"/> carries exactly the attribute of this choice.</summary>
    internal bool IsIn(byte[] csrDer) =>
        DecryptKeyRequest.Find(csrDer) is { } asked && asked.Kind == Kind && CryptographicOperations.FixedTimeEquals(asked.KeyIdentifier, KeyIdentifier);
}
