using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Client;

/// <summary>
/// How the client wants a server-generated key encrypted on top of TLS (RFC 7030 §4.4.1): to the key of one of its
/// certificates (AsymmetricDecryptKeyIdentifier = the certificate's subjectKeyIdentifier, §4.4.1.2; RSA, EC or ML-KEM) or under a
/// symmetric key it shares with the server (DecryptKeyIdentifier, §4.4.1.1). Put <see cref="CsrAttribute"/> into
/// the CSR and pass this to <see cref="EstClient.ServerKeyGenAsync(byte[], ServerKeyEncryption, CancellationToken)"/>.
/// </summary>
public sealed class ServerKeyEncryption
{
    private readonly byte[]? _key;
    private readonly byte[]? _mlKemKey;

    private ServerKeyEncryption(DecryptKeyKind kind, byte[] keyIdentifier, X509Certificate2? certificate, byte[]? key, byte[]? mlKemKey = null)
    {
        Kind = kind;
        KeyIdentifier = keyIdentifier;
        Certificate = certificate;
        _key = key;
        _mlKemKey = mlKemKey;
    }

    public DecryptKeyKind Kind { get; }

    /// <summary>The subjectKeyIdentifier of <see cref="Certificate"/>, or the symmetric key's identifier (the CMS kekid).</summary>
    public byte[] KeyIdentifier { get; }

    /// <summary>The client certificate: with its RSA or EC private key, or an ML-KEM certificate whose PKCS#8 key is held beside it (asymmetric only).</summary>
    public X509Certificate2? Certificate { get; }

    /// <summary>The attribute to add to the CSR (<c>CertificateRequest.OtherRequestAttributes</c>).</summary>
    public AsnEncodedData CsrAttribute =>
        new(Kind == DecryptKeyKind.Symmetric ? Oids.DecryptKeyIdentifier : Oids.AsymmetricDecryptKeyIdentifier, DecryptKeyRequest.EncodeValue(KeyIdentifier));

    /// <summary>Encrypt to this certificate's key: RSA (the server uses RSAES-OAEP) or EC (ECDH); it must carry a subjectKeyIdentifier and its private key.</summary>
    /// <exception cref="ArgumentException">No private key, no subjectKeyIdentifier, or neither RSA nor EC.</exception>
    public static ServerKeyEncryption ToCertificate(X509Certificate2 certificate)
    {
        if (MlKemKeys.IsMlKem(certificate.PublicKey.Oid.Value))
        {
            throw new ArgumentException("an ML-KEM certificate cannot carry its private key here (OpenSSL 3.0): use ToMlKemCertificate with the PKCS#8 key", nameof(certificate));
        }

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

    /// <summary>
    /// Encrypt to an ML-KEM certificate (RFC 9935; the server answers with a KEMRecipientInfo, RFC 9629 / RFC 9936), for
    /// example one an earlier serverkeygen on an ML-KEM label gave. <paramref name="pkcs8"/> is its private key in any of
    /// the three RFC 9935 forms (seed, expandedKey, both); it must belong to the certificate.
    /// </summary>
    /// <exception cref="ArgumentException">Not an ML-KEM certificate, no subjectKeyIdentifier, or a key that is not its key.</exception>
    public static ServerKeyEncryption ToMlKemCertificate(X509Certificate2 certificate, byte[] pkcs8)
    {
        if (!MlKemKeys.IsMlKem(certificate.PublicKey.Oid.Value))
        {
            throw new ArgumentException("the decryption certificate does not hold an ML-KEM key (RFC 9935)", nameof(certificate));
        }

        if (certificate.Extensions[Oids.SubjectKeyIdentifier] is not X509SubjectKeyIdentifierExtension { SubjectKeyIdentifier: { } hex })
        {
            throw new ArgumentException("the decryption certificate has no subjectKeyIdentifier, which RFC 7030 §4.4.1.2 uses to name it", nameof(certificate));
        }

        byte[] derived;
        try
        {
            derived = MlKemKeys.PublicKeyInfoOf(pkcs8);
        }
        catch (EstProtocolException e)
        {
            throw new ArgumentException(e.Message, nameof(pkcs8), e);
        }

        if (!derived.AsSpan().SequenceEqual(certificate.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new ArgumentException("the ML-KEM private key does not belong to the decryption certificate", nameof(pkcs8));
        }

        return new ServerKeyEncryption(DecryptKeyKind.Asymmetric, Convert.FromHexString(hex), certificate, null, pkcs8.ToArray());
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
        (Certificate, _mlKemKey) switch
        {
            ({ } certificate, { } mlKem) => ServerGeneratedKeyEnvelope.OpenWithMlKemKey(envelopedData, certificate, mlKem),
            ({ } certificate, null) => ServerGeneratedKeyEnvelope.OpenWithPrivateKey(envelopedData, certificate),
            _ => ServerGeneratedKeyEnvelope.OpenWithKek(envelopedData, KeyIdentifier, _key!),
        };

    /// <summary>True when <paramref name="csrDer"/> carries exactly the attribute of this choice.</summary>
    internal bool IsIn(byte[] csrDer) =>
        DecryptKeyRequest.Find(csrDer) is { } asked && asked.Kind == Kind && CryptographicOperations.FixedTimeEquals(asked.KeyIdentifier, KeyIdentifier);
}
