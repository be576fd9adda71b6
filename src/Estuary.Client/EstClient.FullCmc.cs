using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Cmc;

namespace Estuary.Client;

/// <summary>
/// /fullcmc (RFC 7030 §4.3, RFC 5272/5273): a Full PKI Request (PKIData in a CMS SignedData) sent as
/// application/pkcs7-mime; smime-type=CMC-request. Each request carries a transactionId and a senderNonce
/// (RFC 5272 §6.6); the PKIResponse must be signed by a certificate that chains to the client's trust
/// anchors and, when the server answers them, echo both. A CMC failure is an <see cref="EstCmcException"/>.
/// </summary>
public sealed partial class EstClient
{
    /// <summary>id-kp-cmcRA (RFC 6402 §2.10): the key purpose of an RA that signs CMC responses.</summary>
    private const string CmcRaKeyPurpose = "1.3.6.1.5.5.7.3.28";

    /// <summary>
    /// Enrolls through /fullcmc: the PKCS#10 travels as the TaggedCertificationRequest with bodyPartID 1, the
    /// PKIData is signed with <paramref name="requestKey"/>, the key being certified (RFC 5272 §3.2.1.3.2).
    /// </summary>
    /// <exception cref="EstCmcException">The server answered CMC failed (or another non-success status).</exception>
    /// <exception cref="EstClientException">The exchange itself failed (HTTP, TLS, an unverifiable answer).</exception>
    public async Task<FullCmcResult> FullCmcAsync(byte[] csrDer, AsymmetricAlgorithm requestKey, CancellationToken cancellationToken = default)
    {
        var spki = Wrap(() => CertificationRequest.Decode(csrDer).SubjectPublicKeyInfo.ToArray());
        if (!SubjectPublicKeyInfo(requestKey).AsSpan().SequenceEqual(spki))
        {
            throw new ArgumentException("the request key is not the key of the CSR (RFC 5272 §3.2.1.3.2: the PKIData is signed with the key being certified)", nameof(requestKey));
        }

        var exchange = CmcExchange.Start(firstControlId: 2);
        var pkiData = CmcPkiData.Encode(exchange.Controls, [(1, csrDer)]);
        var response = await SendCmcAsync("fullcmc", SignPkiData(pkiData, requestKey, null), exchange, cancellationToken);
        return IssuedFrom(response, spki, "fullcmc");
    }

    /// <summary>The certificate issued for bodyPartID 1 (the one whose key is <paramref name="spki"/>), or the CMC failure.</summary>
    private static FullCmcResult IssuedFrom((CmcPkiResponse Decoded, X509Certificate2 Signer) response, byte[] spki, string operation)
    {
        var status = StatusFor(response.Decoded, 1, operation);
        if (status.Status != CmcStatus.Success)
        {
            throw new EstCmcException(operation, status);
        }

        var certificates = response.Decoded.Certificates.Select(X509CertificateLoader.LoadCertificate).ToList();
        var issued = certificates.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki))
            ?? throw new EstClientException(EstClientErrorKind.Protocol, $"{operation}: the PKIResponse reports success but holds no certificate for the key of the request");
        // The chain without the RA certificate; an ML-DSA label's answer is signed by its issuing CA, which stays in the chain.
        var signerIsCa = response.Signer.Extensions[Protocol.Asn1.Oids.BasicConstraints] is X509BasicConstraintsExtension { CertificateAuthority: true };
        var others = certificates.Where(c => !ReferenceEquals(c, issued) && (signerIsCa || !c.RawDataMemory.Span.SequenceEqual(response.Signer.RawData))).ToList();
        return new FullCmcResult(issued, others, response.Signer);
    }

    /// <summary>
    /// Renews <paramref name="current"/> through /fullcmc, authenticated by the PKIData's signature alone (RFC 5272
    /// §3.2.1.3.1: the existing certificate is the identity proof): the PKIData is signed with <paramref name="currentKey"/>
    /// and carries <paramref name="current"/>, with the signingTime attribute the server checks against replay. This is how a
    /// certificate that cannot be a TLS client certificate here (ML-DSA, docs/PQC.md) renews; the CSR's subject and
    /// subjectAltName must be the certificate's (RFC 7030 §4.2.2), its key may be new (rekey). No Basic credentials are
    /// needed: the server refuses a signer it did not record, or one revoked, expired or of a disabled account.
    /// </summary>
    /// <exception cref="EstCmcException">The server answered CMC failed (e.g. a changed subject).</exception>
    /// <exception cref="EstClientException">The exchange failed (a 403 with the server's reason for a refused signer).</exception>
    public async Task<FullCmcResult> FullCmcReenrollAsync(byte[] csrDer, X509Certificate2 current, AsymmetricAlgorithm currentKey, CancellationToken cancellationToken = default)
    {
        if (!SubjectPublicKeyInfo(currentKey).AsSpan().SequenceEqual(current.PublicKey.ExportSubjectPublicKeyInfo()))
        {
            throw new ArgumentException("the key is not the key of the certificate being renewed", nameof(currentKey));
        }

        var spki = Wrap(() => CertificationRequest.Decode(csrDer).SubjectPublicKeyInfo.ToArray());
        var exchange = CmcExchange.Start(firstControlId: 2);
        var pkiData = CmcPkiData.Encode(exchange.Controls, [(1, csrDer)]);
        var response = await SendCmcAsync("fullcmc reenroll", SignPkiData(pkiData, currentKey, current), exchange, cancellationToken);
        return IssuedFrom(response, spki, "fullcmc reenroll");
    }

    /// <summary>
    /// Asks for a revocation through /fullcmc with the revokeRequest control (RFC 5272 §6.11), the PKIData signed
    /// with <paramref name="signer"/> (a certificate with its private key, carried in the SignedData).
    /// </summary>
    /// <param name="serial">Serial of the certificate to revoke, hexadecimal (colons, spaces and 0x ignored).</param>
    /// <param name="issuer">Its issuer; default the issuer of <paramref name="signer"/>.</param>
    /// <exception cref="EstCmcException">The server refused (e.g. failed with badRequest when this client may not revoke it, badCertId when it does not know it).</exception>
    public async Task<CmcRevocationResult> FullCmcRevokeAsync(X509Certificate2 signer, string serial, X509RevocationReason reason, X500DistinguishedName? issuer = null, string? comment = null, CancellationToken cancellationToken = default)
    {
        using var key = (AsymmetricAlgorithm?)signer.GetECDsaPrivateKey() ?? signer.GetRSAPrivateKey()
            ?? throw new ArgumentException("the signing certificate needs its ECDSA or RSA private key", nameof(signer));
        var serialHex = NormalizeSerial(serial);
        var exchange = CmcExchange.Start(firstControlId: 2);
        var revoke = new CmcRevokeRequest((issuer ?? signer.IssuerName).RawData, serialHex, (int)reason, Comment: comment);
        var pkiData = CmcPkiData.Encode([new CmcControl(1, CmcOids.RevokeRequest, [revoke.Encode()]), .. exchange.Controls], []);
        var response = await SendCmcAsync("fullcmc revoke", CmcSignedData.Sign(CmcOids.PkiData, pkiData, key, signer, []), exchange, cancellationToken);
        var status = StatusFor(response.Decoded, 1, "fullcmc revoke");
        if (status.Status != CmcStatus.Success)
        {
            throw new EstCmcException("fullcmc revoke", status);
        }

        return new CmcRevocationResult(serialHex, reason, status.StatusString, response.Signer);
    }

    private async Task<(CmcPkiResponse Decoded, X509Certificate2 Signer)> SendCmcAsync(string operation, byte[] signedData, CmcExchange exchange, CancellationToken cancellationToken)
    {
        var response = await SendAsync(HttpMethod.Post, "fullcmc", signedData, cancellationToken, EstMediaTypes.CmcRequest);
        ExpectType(response, EstMediaTypes.Pkcs7Mime);
        var decoded = Wrap(() => CmcPkiResponse.Decode(DecodeBody(response.Body)));
        var signer = await VerifyResponseSignerAsync(operation, decoded, cancellationToken);
        exchange.Check(operation, decoded);
        return (decoded, signer);
    }

    /// <summary>
    /// RFC 5272 §3.2.2 / RFC 7030 §4.3.2: the PKIResponse is trusted only when its signer chains to the trust
    /// anchors (the explicit or bootstrapped ones, else the roots of /cacerts fetched over the trusted TLS
    /// connection) and, when it names key purposes, is an RA (id-kp-cmcRA).
    /// </summary>
    private async Task<X509Certificate2> VerifyResponseSignerAsync(string operation, CmcPkiResponse decoded, CancellationToken cancellationToken)
    {
        var signer = X509CertificateLoader.LoadCertificate(decoded.SignerCertificate);
        if (Protocol.Crypto.MlDsa.IsMlDsa(signer.SignatureAlgorithm.Value ?? ""))
        {
            // An ML-DSA label's answer (RFC 9882), signed by its hierarchy's issuing CA: X509Chain (OpenSSL 3.0) knows no
            // ML-DSA, so the path is checked by hand, up to the trust anchors or the label's /cacerts roots fetched over
            // the TLS connection those anchors authenticated (RFC 7030 §4.1.3).
            var roots = TrustAnchors.Select(a => a.RawData).Concat((await GetCaCertsAsync(cancellationToken)).Roots.Select(r => r.RawData)).ToList();
            if (Protocol.Crypto.MlDsaCertificatePath.Validate(decoded.SignerCertificate, decoded.Certificates, roots, _options.TimeProvider.GetUtcNow()) is { } problem)
            {
                throw new EstClientException(EstClientErrorKind.Trust, $"{operation}: the PKIResponse is signed by {signer.Subject}, which does not chain to the trust anchors ({problem})");
            }

            return CheckRaPurpose(operation, signer);
        }

        var anchors = TrustAnchors.Count > 0 ? TrustAnchors : [.. (await GetCaCertsAsync(cancellationToken)).Roots];
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.AddRange(anchors);
        chain.ChainPolicy.ExtraStore.AddRange(decoded.Certificates.Select(X509CertificateLoader.LoadCertificate).ToArray());
        if (!chain.Build(signer))
        {
            var why = string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation.Trim()).Where(s => s.Length > 0).Distinct(StringComparer.Ordinal));
            throw new EstClientException(EstClientErrorKind.Trust, $"{operation}: the PKIResponse is signed by {signer.Subject}, which does not chain to the trust anchors ({why})");
        }

        return CheckRaPurpose(operation, signer);
    }

    /// <summary>A signer that names key purposes must be a CMC RA (RFC 6402 §2.10); a CA certificate names none.</summary>
    private static X509Certificate2 CheckRaPurpose(string operation, X509Certificate2 signer)
    {
        if (signer.Extensions[Protocol.Asn1.Oids.ExtendedKeyUsage] is X509EnhancedKeyUsageExtension eku && !eku.EnhancedKeyUsages.Cast<Oid>().Any(o => o.Value == CmcRaKeyPurpose))
        {
            throw new EstClientException(EstClientErrorKind.Trust, $"{operation}: the PKIResponse signer {signer.Subject} is not a CMC RA (its extended key usage lacks id-kp-cmcRA, RFC 6402 §2.10)");
        }

        return signer;
    }

    /// <summary>The status about <paramref name="bodyPartId"/>, or the one status about the whole message.</summary>
    private static CmcStatusInfo StatusFor(CmcPkiResponse response, long bodyPartId, string operation) =>
        response.Statuses.FirstOrDefault(s => s.BodyList.Contains(bodyPartId))
        ?? response.Statuses.FirstOrDefault(s => s.Status != CmcStatus.Success)
        ?? throw new EstClientException(EstClientErrorKind.Protocol, $"{operation}: the PKIResponse holds no status for bodyPartID {bodyPartId}");

    private static byte[] SubjectPublicKeyInfo(AsymmetricAlgorithm key) => key switch
    {
        ECDsa ec => ec.ExportSubjectPublicKeyInfo(),
        RSA rsa => rsa.ExportSubjectPublicKeyInfo(),
        MlDsaKey mlDsa => mlDsa.ExportSubjectPublicKeyInfo(),
        _ => throw new ArgumentException($"a CMC request is signed with ECDSA, RSA or ML-DSA, not {key.GetType().Name}", nameof(key)),
    };

    /// <summary>
    /// The PKIData in a SignedData signed by <paramref name="key"/>: EC and RSA through Bouncy Castle's CMS (its signed
    /// attributes include signingTime), ML-DSA as RFC 9882 profiles it with signingTime from the client's clock.
    /// </summary>
    private byte[] SignPkiData(byte[] pkiData, AsymmetricAlgorithm key, X509Certificate2? certificate) => key is MlDsaKey mlDsa
        ? CmcSignedData.Sign(CmcOids.PkiData, pkiData, mlDsa.Key, certificate?.RawData, [], _options.TimeProvider.GetUtcNow())
        : CmcSignedData.Sign(CmcOids.PkiData, pkiData, key, certificate, []);

    /// <summary>Even-length upper-case hex; ArgumentException when <paramref name="serial"/> is not hexadecimal.</summary>
    private static string NormalizeSerial(string serial)
    {
        var hex = serial.Replace(":", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Trim();
        if (hex.StartsWith("0x", StringComparison.OrdinalIgnoreCase))
        {
            hex = hex[2..];
        }

        if (hex.Length is 0 or > 42 || !hex.All(char.IsAsciiHexDigit))
        {
            throw new ArgumentException($"'{serial}' is not a certificate serial number (hexadecimal, at most 20 octets)", nameof(serial));
        }

        return (hex.Length % 2 == 1 ? "0" + hex : hex).ToUpperInvariant();
    }
}
