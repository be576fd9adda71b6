using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Cmc;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// The CMC revokeRequest control (RFC 5272 §6.11) on /fullcmc. Who may revoke what is decided here:
/// <list type="number">
/// <item>the holder of the certificate's key: the PKIData is signed with the certificate being revoked
/// (the key-compromise case; RFC 5272 §6.11 expects the subject to sign), or the client authenticated
/// over TLS with it;</item>
/// <item>the account it belongs to: a certificate belongs to the Basic account at the start of its
/// issuance chain (enrolled by "basic:alice", or renewed by a certificate that belongs to alice), and a
/// client may revoke every certificate of its own account;</item>
/// <item>the clients named in <see cref="RaOptions.CmcRevokers"/>, for any certificate of this CA.</item>
/// </list>
/// Everyone else gets failed + badRequest ("transaction not permitted", RFC 5272 §6.1.4), audited.
/// The shared-secret passphrase of RevokeRequest is not used.
/// </summary>
public sealed partial class RegistrationAuthority
{
    private async Task<CmcStatusInfo> RevokeByCmcAsync(CmcControl control, EstPrincipal who, CmcRequest request, EstRequestContext context, RevocationService? revocations, CancellationToken cancellationToken)
    {
        const string Operation = "fullcmc revoke";
        CmcStatusInfo Fail(CmcFailInfo info, string reason) => new(CmcStatus.Failed, [control.BodyPartId], reason, info);

        if (revocations is null)
        {
            return Fail(CmcFailInfo.BadRequest, "revocation is not offered by this server");
        }

        CmcRevokeRequest revoke;
        try
        {
            revoke = CmcRevokeRequest.Decode(control.Value);
        }
        catch (EstProtocolException e)
        {
            return Fail(CmcFailInfo.BadRequest, e.Message);
        }

        var serial = RevocationService.NormalizeSerial(revoke.SerialHex) ?? revoke.SerialHex;
        var target = await _store.FindCertificateAsync(serial, cancellationToken);
        if (target is null || !IssuedBy(target, revoke.IssuerName))
        {
            var reason = $"no certificate with serial {serial} from issuer '{IssuerText(revoke.IssuerName)}' was issued here";
            LogRefused(_logger, Operation, who.Id, context.Label, reason);
            return Fail(CmcFailInfo.BadCertId, reason);
        }

        if (RevocationDenied(who, target, request) is { } denied)
        {
            LogRefused(_logger, Operation, who.Id, context.Label, denied);
            await AuditRefusedAsync(RefusedAuthorization, who.Id, Operation, context, EstError.Forbidden(denied), cancellationToken);
            return Fail(CmcFailInfo.BadRequest, denied);
        }

        var outcome = await revocations.RevokeAsync(serial, (X509RevocationReason)revoke.Reason, who.Id + " (fullcmc)", cancellationToken);
        if (outcome.Value is not { } revoked)
        {
            var error = outcome.Error!;
            return Fail(error.Kind switch
            {
                EstErrorKind.NotFound => CmcFailInfo.BadCertId,
                EstErrorKind.Unavailable => CmcFailInfo.TryLater,
                _ => CmcFailInfo.BadRequest,
            }, error.Message);
        }

        return new CmcStatusInfo(CmcStatus.Success, [control.BodyPartId], revoked.AlreadyRevoked
            ? $"serial {serial} was already revoked"
            : $"serial {serial} revoked ({RevocationReasons.Name(revoke.Reason)})");
    }

    /// <summary>Null when <paramref name="who"/> may revoke <paramref name="target"/> (rules in the type's summary), else why not.</summary>
    private string? RevocationDenied(EstPrincipal who, CertificateRecord target, CmcRequest request)
    {
        if (request.SignerCertificates.Any(c => c.Span.SequenceEqual(target.Der)) || who.CertificateSerial == target.Serial)
        {
            return null;
        }

        if (_options.CmcRevokers.Contains(who.Id, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        // Provenance, recorded at issuance: the account that owns the target, never a name either side chose.
        if (who.Account is { } mine && string.Equals(mine, target.Account, StringComparison.Ordinal))
        {
            return null;
        }

        return $"{who.Describe()} may not revoke serial {target.Serial}: it belongs to another account; sign the request with that certificate, or ask an administrator";
    }

    /// <summary>The RevokeRequest's issuerName names the issuer of the stored certificate (RFC 5272 §6.11).</summary>
    private static bool IssuedBy(CertificateRecord record, ReadOnlyMemory<byte> issuerName)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(record.Der);
            return SameIssuerName(issuerName.Span, certificate.IssuerName);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// Issuer names: byte-identical DER, or the same RDNs once normalised (RFC 5280 §7.1 matching, simplified) — a
    /// client may re-encode the issuer it copies into RevokeRequest, and the serial already picks the certificate.
    /// </summary>
    private static bool SameIssuerName(ReadOnlySpan<byte> requested, System.Security.Cryptography.X509Certificates.X500DistinguishedName issuer)
    {
        if (requested.SequenceEqual(issuer.RawData))
        {
            return true;
        }

        var a = new System.Security.Cryptography.X509Certificates.X500DistinguishedName(requested).Format(multiLine: false);
        var b = issuer.Format(multiLine: false);
        return string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

        static string Normalize(string s) => string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string IssuerText(ReadOnlyMemory<byte> issuerName)
    {
        try
        {
            return new X500DistinguishedName(issuerName.Span).Name;
        }
        catch (CryptographicException)
        {
            return "(unreadable name)";
        }
    }
}
