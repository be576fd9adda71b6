using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;

namespace Estuary.Client;

/// <summary>/serverkeygen with the key returned encrypted (RFC 7030 §4.4.1.1, §4.4.1.2, §4.4.2).</summary>
public sealed partial class EstClient
{
    /// <summary>
    /// /serverkeygen asking for additional encryption: <paramref name="csrDer"/> must carry
    /// <see cref="ServerKeyEncryption.CsrAttribute"/>. The answer's key part is an EnvelopedData holding a SignedData
    /// over an AsymmetricKeyPackage (RFC 7030 §4.4.2, RFC 5958); it is opened with the client's key, the signature is
    /// verified, and the key must belong to the certificate issued. The decrypted PKCS#8 key is returned.
    /// </summary>
    /// <exception cref="ArgumentException">The CSR does not carry the attribute of <paramref name="encryption"/>.</exception>
    /// <exception cref="EstClientException">HTTP failure, or an answer that is not an encrypted key for this client (kind Protocol).</exception>
    public async Task<ServerGeneratedKey> ServerKeyGenAsync(byte[] csrDer, ServerKeyEncryption encryption, CancellationToken cancellationToken = default)
    {
        if (!Wrap(() => encryption.IsIn(csrDer)))
        {
            throw new ArgumentException("the CSR must carry the decrypt key attribute of the chosen encryption (ServerKeyEncryption.CsrAttribute)", nameof(csrDer));
        }

        var response = await SendAsync(HttpMethod.Post, "serverkeygen", csrDer, cancellationToken);
        ExpectType(response, EstMediaTypes.MultipartMixed);
        return ReadServerKeyGen(response.ContentType, response.Body, encryption);
    }

    /// <summary>Decodes and decrypts an encrypted serverkeygen answer (exposed for tests on captured answers).</summary>
    /// <exception cref="EstClientException">Not a valid encrypted answer for this key (kind Protocol).</exception>
    public static ServerGeneratedKey ReadServerKeyGen(string? contentType, byte[] body, ServerKeyEncryption encryption) =>
        Wrap(() => ReadEncryptedCore(contentType, body, encryption));

    private static ServerGeneratedKey ReadEncryptedCore(string? contentType, byte[] body, ServerKeyEncryption encryption)
    {
        byte[]? enveloped = null;
        List<X509Certificate2>? certificates = null;
        foreach (var part in MultipartMixed.Parse(contentType, body))
        {
            if (!EstMediaTypes.Matches(part.ContentType, EstMediaTypes.Pkcs7Mime))
            {
                continue;
            }

            var smime = EstMediaTypes.Parameter(part.ContentType, "smime-type");
            if (string.Equals(smime, "server-generated-key", StringComparison.OrdinalIgnoreCase))
            {
                enveloped = EstBase64.Decode(part.Content);
            }
            else
            {
                certificates = CertsOnly.Decode(EstBase64.Decode(part.Content)).Select(X509CertificateLoader.LoadCertificate).ToList();
            }
        }

        if (enveloped is null || certificates is null || certificates.Count == 0)
        {
            throw new EstProtocolException("the serverkeygen answer lacks a server-generated-key part or a certs-only part; the server did not encrypt the key as asked (RFC 7030 §4.4.2)");
        }

        var signed = encryption.Open(enveloped);
        var key = ServerGeneratedKeyEnvelope.ReadKeyPackage(signed, out var signer);
        var spki = PublicKeyOf(key)
            ?? throw new EstProtocolException("the decrypted key is not an RSA, EC or ML-KEM PKCS#8 key");
        var certificate = certificates.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki))
            ?? throw new EstProtocolException("the decrypted key does not belong to the certificate the server issued");
        return new ServerGeneratedKey(key, certificate, certificates.Where(c => !ReferenceEquals(c, certificate)).ToList()) { KeyPackageSigner = signer };
    }
}
