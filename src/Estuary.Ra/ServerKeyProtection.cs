using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// How a server-generated key is protected on top of TLS (RFC 7030 §4.4.2), decided from the CSR's
/// DecryptKeyIdentifier or AsymmetricDecryptKeyIdentifier and what the server knows about the requester:
/// <list type="bullet">
/// <item>AsymmetricDecryptKeyIdentifier: a certificate whose subjectKeyIdentifier equals the value — the TLS client
/// certificate of this request, or an unexpired, unrevoked certificate this CA issued to the same account. Its
/// key usage must allow keyEncipherment (RSA, ML-KEM) or keyAgreement (EC), RFC 5280 §4.2.1.3. An ML-KEM certificate
/// (RFC 9935, e.g. from an earlier serverkeygen on an ML-KEM label) gets a KEMRecipientInfo (RFC 9629, RFC 9936).</item>
/// <item>DecryptKeyIdentifier: a symmetric key provisioned for the account (`estuary decrypt-keys set`).</item>
/// </list>
/// The signer of the key package is the RA signing certificate (the RA generated the key), or on an ML-DSA label that
/// label's issuing CA, signing with ML-DSA.
/// </summary>
public sealed class ServerKeyProtection
{
    /// <summary>How many of an account's newest certificates are searched for the identifier.</summary>
    private const int CertificateSearchLimit = 200;

    private readonly IEstuaryStore _store;
    private readonly X509Certificate2? _signer;
    private readonly IReadOnlyList<X509Certificate2> _signerChain;
    private readonly DecryptKeyProtector _protector;
    private readonly TimeProvider _time;

    public ServerKeyProtection(CaMaterial material, IEstuaryStore store, TimeProvider time)
        : this(store, material.RaSigningCertificate, [material.Issuing.Certificate], new DecryptKeyProtector(material.DataDirectory), time)
    {
    }

    public ServerKeyProtection(IEstuaryStore store, X509Certificate2? signer, IReadOnlyList<X509Certificate2> signerChain, DecryptKeyProtector protector, TimeProvider time)
    {
        _store = store;
        _signer = signer;
        _signerChain = signerChain;
        _protector = protector;
        _time = time;
    }

    /// <summary>Finds the key the client named; a 400 with the reason when the server knows no such key.</summary>
    public async Task<EstResult<KeyProtectionPlan>> ResolveAsync(DecryptKeyRequest request, EstPrincipal who, EstRequestContext context, CancellationToken cancellationToken)
    {
        if (_signer is null)
        {
            return EstError.BadRequest("this server has no RA signing certificate, so it cannot return an encrypted key (RFC 7030 §4.4.2); send the CSR without the decrypt key attribute");
        }

        var hex = Convert.ToHexString(request.KeyIdentifier);
        if (request.Kind == DecryptKeyKind.Symmetric)
        {
            if (who.Account is not { } account)
            {
                return EstError.BadRequest($"DecryptKeyIdentifier {hex}: the requester belongs to no account, so no symmetric key is known (RFC 7030 §4.4.1.1)");
            }

            var stored = await _store.FindAccountDecryptKeyAsync(account, request.KeyIdentifier, cancellationToken);
            if (stored is null)
            {
                return EstError.BadRequest($"DecryptKeyIdentifier {hex}: no symmetric key with this identifier is provisioned for account '{account}' (RFC 7030 §4.4.1.1)");
            }

            byte[] kek;
            try
            {
                kek = _protector.Unprotect(account, request.KeyIdentifier, stored.ProtectedKey);
            }
            catch (CryptographicException)
            {
                return new EstError(EstErrorKind.Unavailable, "the stored symmetric key cannot be read on this server", TimeSpan.FromSeconds(60));
            }

            return EstResult<KeyProtectionPlan>.Ok(KeyProtectionPlan.ForKek(request.KeyIdentifier, kek));
        }

        var now = _time.GetUtcNow();
        if (context.ClientCertificate is { } tls && SkiOf(tls) is { } tlsSki && tlsSki.AsSpan().SequenceEqual(request.KeyIdentifier))
        {
            return Usable(tls, request.KeyIdentifier, hex, now);
        }

        var requester = await RequesterOfAsync(who, cancellationToken);
        foreach (var owner in new[] { who.Id, requester }.Distinct())
        {
            if (owner is null)
            {
                continue;
            }

            foreach (var record in await _store.ListCertificatesRequestedByAsync(owner, CertificateSearchLimit, cancellationToken))
            {
                if (record.RevokedAt is not null || record.NotAfter <= now)
                {
                    continue;
                }

                var certificate = X509CertificateLoader.LoadCertificate(record.Der);
                if (SkiOf(certificate) is { } ski && ski.AsSpan().SequenceEqual(request.KeyIdentifier))
                {
                    return Usable(certificate, request.KeyIdentifier, hex, now);
                }

                certificate.Dispose();
            }
        }

        return EstError.BadRequest($"AsymmetricDecryptKeyIdentifier {hex}: no certificate with this subjectKeyIdentifier is known for the requester — neither the TLS client certificate nor a valid certificate this CA issued to the account (RFC 7030 §4.4.1.2)");
    }

    /// <summary>
    /// The EnvelopedData (RFC 7030 §4.4.2) around the signed key package of <paramref name="pkcs8"/>. The package is signed by
    /// the RA signing certificate, or — when <paramref name="issuer"/>, the label's CA, is an ML-DSA one — by that issuing CA
    /// with ML-DSA (RFC 9882), as the label's fullcmc answers are (docs/PQC.md).
    /// </summary>
    public byte[] Seal(KeyProtectionPlan plan, byte[] pkcs8, CertificateAuthority? issuer = null)
    {
        var signed = issuer?.SigningKey is MlDsaSigningKey mlDsa
            ? ServerGeneratedKeyEnvelope.SignKeyPackage(pkcs8, mlDsa.Key, issuer.Certificate.RawData, issuer.Chain.Select(c => c.RawDataMemory), _time.GetUtcNow())
            : ServerGeneratedKeyEnvelope.SignKeyPackage(pkcs8, _signer!, _signerChain);
        try
        {
            return plan.Certificate is { } certificate
                ? ServerGeneratedKeyEnvelope.EnvelopeForCertificate(signed, certificate, plan.KeyIdentifier)
                : ServerGeneratedKeyEnvelope.EnvelopeForKek(signed, plan.KeyIdentifier, plan.Kek!);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(signed);
        }
    }

    /// <summary>Encrypts and stores a symmetric decrypt key for an account; false when the account is unknown.</summary>
    /// <exception cref="ArgumentException">The key is not an AES key of 16, 24 or 32 bytes, or the identifier is empty or too long.</exception>
    public Task<bool> SetAccountKeyAsync(string username, byte[] keyIdentifier, byte[] key, string actor, CancellationToken cancellationToken)
    {
        if (key.Length is not (16 or 24 or 32))
        {
            throw new ArgumentException("a decrypt key is an AES key of 16, 24 or 32 bytes (RFC 3394 key wrap)", nameof(key));
        }

        if (keyIdentifier.Length is 0 or > DecryptKeyRequest.MaxIdentifierLength)
        {
            throw new ArgumentException($"a key identifier holds 1 to {DecryptKeyRequest.MaxIdentifierLength} bytes", nameof(keyIdentifier));
        }

        var now = _time.GetUtcNow();
        var row = new AccountDecryptKey { Username = username, KeyIdentifier = keyIdentifier, ProtectedKey = _protector.Protect(username, keyIdentifier, key), CreatedAt = now };
        var audit = new AuditEvent(now, "account.decrypt-key.set", actor, $"decrypt key {Convert.ToHexString(keyIdentifier)} set for account '{username}'");
        return _store.SetAccountDecryptKeyAsync(row, audit, cancellationToken);
    }

    private static EstResult<KeyProtectionPlan> Usable(X509Certificate2 certificate, byte[] ski, string hex, DateTimeOffset now)
    {
        if (certificate.NotAfter.ToUniversalTime() <= now.UtcDateTime)
        {
            return EstError.BadRequest($"AsymmetricDecryptKeyIdentifier {hex}: the certificate with this subjectKeyIdentifier has expired");
        }

        // ML-KEM (RFC 9935) is a key-establishment key like RSA's keyEncipherment: the KEMRecipientInfo of RFC 9629.
        var isMlKem = MlKemKeys.IsMlKem(certificate.PublicKey.Oid.Value);
        if (isMlKem)
        {
            try
            {
                _ = MlKemKeys.ReadPublicKey(certificate.PublicKey.ExportSubjectPublicKeyInfo());
            }
            catch (EstProtocolException e)
            {
                return EstError.BadRequest($"AsymmetricDecryptKeyIdentifier {hex}: {e.Message}");
            }
        }

        var isRsa = !isMlKem && certificate.GetRSAPublicKey() is { } rsa && Dispose(rsa);
        var isEc = !isMlKem && !isRsa && certificate.GetECDiffieHellmanPublicKey() is { } ec && Dispose(ec);
        if (!isRsa && !isEc && !isMlKem)
        {
            return EstError.BadRequest($"AsymmetricDecryptKeyIdentifier {hex}: the certificate holds neither an RSA, an EC nor an ML-KEM key ({certificate.PublicKey.Oid.FriendlyName ?? certificate.PublicKey.Oid.Value}), so the key cannot be encrypted to it");
        }

        var wanted = isEc ? X509KeyUsageFlags.KeyAgreement : X509KeyUsageFlags.KeyEncipherment;
        if (certificate.Extensions[Oids.KeyUsage] is X509KeyUsageExtension usage && (usage.KeyUsages & wanted) == 0)
        {
            return EstError.BadRequest($"AsymmetricDecryptKeyIdentifier {hex}: the certificate's key usage does not allow {(isEc ? "keyAgreement" : "keyEncipherment")} (RFC 5280 §4.2.1.3), so the key cannot be encrypted to it");
        }

        return EstResult<KeyProtectionPlan>.Ok(KeyProtectionPlan.ForCertificate(certificate, ski));

        static bool Dispose(IDisposable key)
        {
            key.Dispose();
            return true;
        }
    }

    private static byte[]? SkiOf(X509Certificate2 certificate) =>
        certificate.Extensions[Oids.SubjectKeyIdentifier] is X509SubjectKeyIdentifierExtension { SubjectKeyIdentifier: { } hex } ? Convert.FromHexString(hex) : null;

    /// <summary>For a certificate-authenticated client: who requested that certificate (its account), else null.</summary>
    private async Task<string?> RequesterOfAsync(EstPrincipal who, CancellationToken cancellationToken) =>
        who.Method == AuthenticationMethod.ClientCertificate && who.CertificateSerial is { } serial
            ? (await _store.FindCertificateAsync(serial, cancellationToken))?.RequestedBy
            : null;
}
