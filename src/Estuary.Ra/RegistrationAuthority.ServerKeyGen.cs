using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>/serverkeygen (RFC 7030 §4.4, RFC 8951 §3.2).</summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>
    /// /serverkeygen (RFC 7030 §4.4): same authentication as simpleenroll; the CSR's subject and extensions
    /// are the request and its signature is still verified, but its public key is not the certificate's: only its
    /// type (curve or RSA size) is read, and generated when the label accepts it, the label's ServerKeyAlgorithm
    /// otherwise. On an ML-KEM label the key is always the label's ML-KEM key (RFC 9935; its certificate has keyUsage
    /// keyEncipherment only). The private key exists only in this call and in the response: it is never stored (unless the
    /// label archives keys, encrypted).
    /// </summary>
    public async Task<EstResult<ServerGeneratedKey>> ServerKeyGenAsync(EstRequestContext context, CertificationRequest csr, CancellationToken cancellationToken)
    {
        var admitted = await AdmitAsync(EstOperation.ServerKeyGen, context, cancellationToken);
        if (admitted.Value is not { } admission)
        {
            return admitted.Error!;
        }

        var (profile, who) = (admission.Profile, admission.Principal);
        if (UpstreamAdapterOf(profile) is { } adapterName)
        {
            // The built-in CA must not sign for a label whose certificates come from another CA.
            return await RefuseAsync(admission, context, RefusedPolicy,
                EstError.BadRequest($"serverkeygen is not available on label '{LabelText(context.Label)}': its template issues through upstream EST adapter '{adapterName}'"), cancellationToken);
        }

        // RFC 7030 §4.4.1.1/§4.4.1.2: the client may ask for the key encrypted on top of TLS. The recipient is
        // resolved before anything is issued, so an unknown identifier costs no certificate.
        var protection = await ResolveKeyProtectionAsync(csr, who, context, cancellationToken);
        if (protection.Error is { } protectionError)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, protectionError, cancellationToken);
        }

        if (CheckProofOfPossessionLinking(profile, csr, context) is { } linkError)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, linkError, cancellationToken);
        }

        var decoded = CsrPolicy.Decode(csr);
        if (decoded.Value is not { } requested)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, decoded.Error!, cancellationToken);
        }

        // The key type of the CSR's public key when the label accepts it, the label's default otherwise (CsrPolicy).
        // An ML-KEM label always gets its ML-KEM key: such a key cannot sign, so no CSR can carry the wish (RFC 9935).
        var mlKem = profile.ServerKeyAlgorithm.Family == KeyFamily.MlKem;
        var (algorithm, fromCsr) = mlKem ? (profile.ServerKeyAlgorithm, false) : CsrPolicy.ChooseServerKey(profile, requested.PublicKey);
        var (subjectPublicKeyInfo, pkcs8) = GenerateKeyPair(algorithm);
        var now = _time.GetUtcNow();
        var instructions = CsrPolicy.ApplyWithServerGeneratedKey(profile, requested, subjectPublicKeyInfo, now, _options.BackdateBy);
        if (instructions.Value is not { } tbs)
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            return await RefuseAsync(admission, context, RefusedPolicy, instructions.Error!, cancellationToken);
        }

        if (mlKem)
        {
            tbs = WithKeyEnciphermentOnly(tbs);
        }

        var keyNote = mlKem
            ? $"server-generated {algorithm.Name} key (the label's key type; ML-KEM cannot sign a CSR)"
            : fromCsr
                ? $"server-generated {algorithm.Name} key (the CSR's key type)"
                : $"server-generated {algorithm.Name} key (the label's default; the CSR asked for {requested.PublicKey.Name})";
        var recorded = await RecordAsync(tbs, requested, admission, replaces: null, context, approvedRequest: null, cancellationToken, keyNote);
        if (recorded.Value is not { } issued)
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            return recorded.Error!;
        }

        if (profile.ArchiveCertificate is { } archive)
        {
            await ArchiveAsync(archive, issued, pkcs8, who, now, cancellationToken);
        }
        else
        {
            LogServerKeyGenerated(_logger, algorithm.Name, issued.SerialHex, mlKem ? "the label's ML-KEM key type" : fromCsr ? "the CSR's key type" : "the label's default");
        }

        if (protection.Value is not { } plan)
        {
            return EstResult<ServerGeneratedKey>.Ok(new ServerGeneratedKey(issued, pkcs8));
        }

        try
        {
            var encrypted = _keyProtection!.Seal(plan, pkcs8, CaOf(profile));
            LogServerKeyEncrypted(_logger, issued.SerialHex, plan.Certificate is null ? "kekri" : MlKemKeys.IsMlKem(plan.Certificate.PublicKey.Oid.Value) ? "KEMRecipientInfo" : "certificate");
            return EstResult<ServerGeneratedKey>.Ok(new ServerGeneratedKey(issued, []) { EncryptedKey = encrypted });
        }
        finally
        {
            CryptographicOperations.ZeroMemory(pkcs8);
            if (plan.Kek is { } kek)
            {
                CryptographicOperations.ZeroMemory(kek);
            }
        }
    }

    /// <summary>
    /// A new key pair of <paramref name="algorithm"/>: SubjectPublicKeyInfo and PKCS#8. EC and RSA through the BCL; ML-KEM
    /// through Bouncy Castle (<see cref="MlKemKeys"/>), its private key in the seed form RFC 9935 §6 recommends.
    /// </summary>
    private static (byte[] SubjectPublicKeyInfo, byte[] Pkcs8) GenerateKeyPair(KeyAlgorithm algorithm)
    {
        if (algorithm.Family == KeyFamily.MlKem)
        {
            return MlKemKeys.Generate(algorithm.Oid!);
        }

        using var key = algorithm.Generate();
        return (key.ExportSubjectPublicKeyInfo(), PrivateKeyInfo.Encode(key));
    }

    /// <summary>RFC 9935 §5 (and RFC 9936 §4): the keyUsage of an ML-KEM certificate MUST hold keyEncipherment only, whatever the label lists.</summary>
    private static IssuanceInstructions WithKeyEnciphermentOnly(IssuanceInstructions tbs)
    {
        var keyUsage = new CertificateExtension(Oids.KeyUsage, true, new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true).RawData);
        return tbs with { Extensions = [keyUsage, .. tbs.Extensions.Where(e => e.Oid != Oids.KeyUsage)] };
    }

    /// <summary>Null plan when the CSR asks for no encryption; a 400 when it names a key the server does not know.</summary>
    private async Task<EstResult<KeyProtectionPlan?>> ResolveKeyProtectionAsync(CertificationRequest csr, EstPrincipal who, EstRequestContext context, CancellationToken cancellationToken)
    {
        DecryptKeyRequest? request;
        try
        {
            request = DecryptKeyRequest.Find(csr.Encoded);
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }

        if (request is null)
        {
            return EstResult<KeyProtectionPlan?>.Ok(null);
        }

        if (_keyProtection is null)
        {
            return EstError.BadRequest("encrypted return of the server-generated key (RFC 7030 §4.4.2) is not configured on this server; send the CSR without the decrypt key attribute");
        }

        var plan = await _keyProtection.ResolveAsync(request, who, context, cancellationToken);
        return plan.Value is { } p ? EstResult<KeyProtectionPlan?>.Ok(p) : plan.Error!;
    }

    /// <summary>
    /// The profile archives keys: the key is kept only as CMS EnvelopedData to the archive certificate, beside the
    /// certificate record. If that fails the key is not returned either (the request fails with the storage error).
    /// </summary>
    private async Task ArchiveAsync(X509Certificate2 archive, IssuedCertificate issued, byte[] pkcs8, EstPrincipal who, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForArchive(pkcs8, archive);
        var audit = new AuditEvent(now, "key.archived", who.Id, $"serverkeygen key of serial {issued.SerialHex} archived encrypted to '{archive.Subject}'");
        await _store.InsertArchivedKeyAsync(new ArchivedKey(issued.SerialHex, enveloped, now), audit, cancellationToken);
        LogServerKeyArchived(_logger, issued.SerialHex, archive.Subject);
    }

    [LoggerMessage(EventId = EstuaryEventId.ServerKeyEncrypted, Level = LogLevel.Information, Message = "serverkeygen: the key of serial {Serial} is returned encrypted ({Recipient}, RFC 7030 §4.4.2)")]
    private static partial void LogServerKeyEncrypted(ILogger logger, string serial, string recipient);

    [LoggerMessage(EventId = EstuaryEventId.ServerKeyArchived, Level = LogLevel.Information, Message = "serverkeygen: the key of serial {Serial} is archived, encrypted to '{ArchiveSubject}'")]
    private static partial void LogServerKeyArchived(ILogger logger, string serial, string archiveSubject);

    [LoggerMessage(EventId = EstuaryEventId.ServerKeyGenerated, Level = LogLevel.Information, Message = "serverkeygen: generated a {Algorithm} key ({Choice}) for serial {Serial}; the key is not kept")]
    private static partial void LogServerKeyGenerated(ILogger logger, string algorithm, string serial, string choice);
}
