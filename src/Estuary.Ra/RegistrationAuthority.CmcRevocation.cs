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
    /// <summary>How far a certificate's "renewed by" chain is followed back to its account.</summary>
    private const int MaxOwnerHops = 16;

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

        if (await RevocationDeniedAsync(who, target, request, cancellationToken) is { } denied)
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
    private async Task<string?> RevocationDeniedAsync(EstPrincipal who, CertificateRecord target, CmcRequest request, CancellationToken cancellationToken)
    {
        if (request.SignerCertificates.Any(c => c.Span.SequenceEqual(target.Der)) || who.CertificateSerial == target.Serial)
        {
            return null;
        }

        if (_options.CmcRevokers.Contains(who.Id, StringComparer.OrdinalIgnoreCase))
        {
            return null;
        }

        var mine = await AccountOfAsync(who.Id, cancellationToken);
        if (mine is not null && mine == await AccountOfAsync(target.RequestedBy, cancellationToken))
        {
            return null;
        }

        return $"{Describe(who)} may not revoke serial {target.Serial}: it belongs to another account; sign the request with that certificate, or ask an administrator";
    }

    /// <summary>"basic:NAME" of the account a requester id leads back to, or null when it leads nowhere.</summary>
    private async Task<string?> AccountOfAsync(string requester, CancellationToken cancellationToken)
    {
        for (var hop = 0; hop < MaxOwnerHops; hop++)
        {
            if (requester.StartsWith("basic:", StringComparison.Ordinal))
            {
                return requester;
            }

            if (!requester.StartsWith("cert:", StringComparison.Ordinal)
                || await _store.FindCertificateAsync(requester["cert:".Length..], cancellationToken) is not { } record)
            {
                return null;
            }

            requester = record.RequestedBy;
        }

        return null;
    }

    /// <summary>The RevokeRequest's issuerName names the issuer of the stored certificate (RFC 5272 §6.11).</summary>
    private static bool IssuedBy(CertificateRecord record, ReadOnlyMemory<byte> issuerName)
    {
        try
        {
            using var certificate = X509CertificateLoader.LoadCertificate(record.Der);
            return SameName(issuerName.Span, certificate.IssuerName);
        }
        catch (CryptographicException)
        {
            return false;
        }
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
