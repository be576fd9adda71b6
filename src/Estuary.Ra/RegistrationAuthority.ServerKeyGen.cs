using System.Security.Cryptography;
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
    /// are the request and its signature is still verified, but its public key is ignored. The label's
    /// profile says whether the server may generate keys and of which type. The private key exists only in
    /// this call and in the response: it is never stored.
    /// </summary>
    public async Task<EstResult<ServerGeneratedKey>> ServerKeyGenAsync(EstRequestContext context, CertificationRequest csr, CancellationToken cancellationToken)
    {
        if (_labels.Find(context.Label) is not { } profile)
        {
            return UnknownLabel(context.Label);
        }

        var principal = await _authenticator.AuthenticateAsync(context, cancellationToken);
        if (principal.Value is not { } who)
        {
            return principal.Error!;
        }

        if (!profile.ServerKeyGen)
        {
            return EstError.Forbidden($"label '{LabelText(context.Label)}' does not offer server-side key generation (RFC 7030 §4.4)");
        }

        if (profile.RequireApproval)
        {
            // A held request would force the server to keep the private key until it is collected.
            return EstError.Forbidden($"label '{LabelText(context.Label)}' requires approval; server-side key generation is not offered there");
        }

        if (csr.OtherAttributes.Contains(Oids.DecryptKeyIdentifier) || csr.OtherAttributes.Contains(Oids.AsymmetricDecryptKeyIdentifier))
        {
            // RFC 7030 §4.4.2: the client asked for an encrypted key. Sending it in the clear would ignore that wish.
            return EstError.BadRequest("encrypted return of the server-generated key (DecryptKeyIdentifier / AsymmetricDecryptKeyIdentifier, RFC 7030 §4.4.1) is not supported; send the CSR without that attribute to receive the key as PKCS#8 over TLS");
        }

        if (CheckProofOfPossessionLinking(profile, csr, context) is { } linkError)
        {
            LogRefused(_logger, "serverkeygen", who.Id, context.Label, linkError.Message);
            return linkError;
        }

        using var key = profile.ServerKeyAlgorithm.Generate();
        var now = _time.GetUtcNow();
        var instructions = CsrPolicy.ApplyWithServerGeneratedKey(profile, csr, key.ExportSubjectPublicKeyInfo(), now, _options.BackdateBy);
        if (instructions.Value is not { } tbs)
        {
            LogRefused(_logger, "serverkeygen", who.Id, context.Label, instructions.Error!.Message);
            return instructions.Error!;
        }

        var issued = await SignAndRecordAsync(tbs, csr, who, "serverkeygen", replaces: null, context, now, cancellationToken);
        LogServerKeyGenerated(_logger, profile.ServerKeyAlgorithm.Name, issued.SerialHex);
        return EstResult<ServerGeneratedKey>.Ok(new ServerGeneratedKey(issued, PrivateKeyInfo.Encode(key)));
    }

    /// <summary>Signs once and records durably (with an audit event) before returning; a serial collision signs again.</summary>
    private async Task<IssuedCertificate> SignAndRecordAsync(
        IssuanceInstructions tbs,
        CertificationRequest csr,
        EstPrincipal who,
        string operation,
        string? replaces,
        EstRequestContext context,
        DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var issued = _ca.Issue(tbs);
            var record = ToRecord(issued, csr, who, context.Label, operation, replaces, now);
            var audit = new AuditEvent(now, "certificate.issued", who.Id, $"{operation} serial {issued.SerialHex} subject '{record.Subject}' label '{LabelText(context.Label)}' from {context.RemoteAddress}");
            try
            {
                await _store.InsertCertificateAsync(record, audit, cancellationToken);
                LogIssued(_logger, operation, issued.SerialHex, record.Subject, who.Id);
                return issued;
            }
            catch (DuplicateSerialException) when (attempt < 3)
            {
            }
        }
    }

    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "serverkeygen: generated a {Algorithm} key for serial {Serial}; the key is not kept")]
    private static partial void LogServerKeyGenerated(ILogger logger, string algorithm, string serial);
}
