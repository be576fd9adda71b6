using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Cmc;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// The front half of the one door, shared by every operation: label → profile → authenticate → authorize. Whatever
/// an operation does next, it does only with an <see cref="Admission"/>; every refusal here is logged and audited.
/// </summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>Audit kinds of refused EST requests; the console groups failures by them.</summary>
    public const string RefusedAuthentication = "est.refused.authentication";
    public const string RefusedAuthorization = "est.refused.authorization";
    public const string RefusedPolicy = "est.refused.policy";

    /// <summary>A request that passed the door: the label's profile, the authenticated client, the operation it may perform.</summary>
    private sealed record Admission(EstOperation Operation, Profile Profile, EstPrincipal Principal)
    {
        public string OperationName => Operation.Name();
    }

    /// <summary>Resolves the label, authenticates the client and asks <see cref="EstAuthorization.Authorize"/>.</summary>
    private async Task<EstResult<Admission>> AdmitAsync(EstOperation operation, EstRequestContext context, CancellationToken cancellationToken)
    {
        var identified = await IdentifyAsync(operation, context, cancellationToken);
        if (identified.Value is not { } admission)
        {
            return identified.Error!;
        }

        return await AuthorizeAsync(admission, context, cancellationToken) is { } denied ? denied : EstResult<Admission>.Ok(admission);
    }

    /// <summary>The first two steps: the label's profile (404 when unknown) and the authenticated principal (401/403).</summary>
    private async Task<EstResult<Admission>> IdentifyAsync(EstOperation operation, EstRequestContext context, CancellationToken cancellationToken)
    {
        if (_labels.Find(context.Label) is not { } profile)
        {
            return UnknownLabel(context.Label);
        }

        var authenticated = await AuthenticateAsync(operation, profile, context, cancellationToken);
        if (authenticated.Value is not { } who)
        {
            var failure = authenticated.Error!;
            await AuditAuthenticationFailureAsync(context, failure, operation.Name(), cancellationToken);
            return failure;
        }

        return EstResult<Admission>.Ok(new Admission(operation, profile, who));
    }

    /// <summary>The third step: null when allowed, else the refusal, logged and audited.</summary>
    private async Task<EstError?> AuthorizeAsync(Admission admission, EstRequestContext context, CancellationToken cancellationToken)
    {
        var (operation, profile, who) = admission;
        IReadOnlyCollection<string> groups = [];
        if (profile.Template is { Groups.Count: > 0 } && who.Account is { } account && _store is IManagementStore management)
        {
            groups = await management.GetAccountGroupsAsync(account, cancellationToken);
        }

        if (EstAuthorization.Authorize(operation, who, profile, groups) is not { } denied)
        {
            return null;
        }

        LogRefused(_logger, operation.Name(), who.Id, context.Label, denied.Message);
        await AuditRefusedAsync(RefusedAuthorization, who.Id, operation.Name(), context, denied, cancellationToken);
        return denied;
    }

    /// <summary>
    /// RFC 7030 §3.3: simplereenroll authenticates with the certificate being renewed only (on an upstream label, one
    /// this RA recorded when it forwarded the enrollment); every other operation by client certificate, then Basic.
    /// </summary>
    private async Task<EstResult<EstPrincipal>> AuthenticateAsync(EstOperation operation, Profile profile, EstRequestContext context, CancellationToken cancellationToken)
    {
        if (operation != EstOperation.SimpleReenroll)
        {
            return await _authenticator.AuthenticateAsync(context, cancellationToken);
        }

        if (context.ClientCertificate is not { } current)
        {
            return EstError.Forbidden("simplereenroll needs TLS client authentication with the certificate being renewed (RFC 7030 §3.3.2)");
        }

        var principal = UpstreamAdapterOf(profile) is null
            ? await _authenticator.AuthenticateCertificateAsync(current, cancellationToken)
            : await AuthenticateUpstreamCertificateAsync(current, context.Label, cancellationToken);
        return principal.Error is { Kind: EstErrorKind.Unauthorized } error ? EstError.Forbidden(error.Message) : principal;
    }

    /// <summary>
    /// How far a renewal's signingTime may be from this server's clock. The signature is the whole authentication, so a
    /// captured request must not renew again later (and RFC 5652 §11.3 signingTime is the one freshness value a CMS
    /// signer always controls, unlike a senderNonce the RA would have to remember): five minutes either way is the usual
    /// tolerance for unsynchronised device clocks (Kerberos' default skew), short enough that a replay within it only
    /// re-issues the same names to the same key the owner is renewing at that moment.
    /// </summary>
    public static readonly TimeSpan RenewalSigningTimeWindow = TimeSpan.FromMinutes(5);

    /// <summary>
    /// /fullcmc from a client without EST credentials (no TLS client certificate, no Basic): RFC 5272 §3.2.1.3.1 lets the
    /// existing certificate be the identity proof, so a PKIData of certification requests only (no revokeRequest), signed
    /// by a certificate this RA recorded, authenticates the renewal of that certificate — with exactly the checks a TLS
    /// client certificate gets (<see cref="EstAuthenticator.AuthenticateCertificateAsync(X509Certificate2, AuthenticationMethod, CancellationToken)"/>)
    /// and a signingTime within <see cref="RenewalSigningTimeWindow"/>. Anything else keeps <paramref name="unauthenticated"/>
    /// (the 401 Basic challenge, as before this door existed), including a body that cannot be decoded: the parser runs
    /// here for an anonymous client, behind the same body-size limit, and tells it nothing.
    /// </summary>
    private async Task<EstResult<(Admission Admission, CmcRequest Request)>> IdentifyBySignatureAsync(EstRequestContext context, Func<EstResult<CmcRequest>> decode, EstError unauthenticated, CancellationToken cancellationToken)
    {
        if (unauthenticated.Kind != EstErrorKind.Unauthorized || context.Basic is not null || context.ClientCertificate is not null || _labels.Find(context.Label) is not { } profile)
        {
            return unauthenticated;
        }

        var decoded = decode();
        if (decoded.Value is not { SignatureProblem: null } request
            || request.Requests.Count == 0
            || request.Controls.Any(c => c.Type == CmcOids.RevokeRequest)
            || request.CertificateSigners.Count == 0)
        {
            return unauthenticated;
        }

        var signers = request.CertificateSigners.DistinctBy(s => Convert.ToHexString(s.Certificate.Span), StringComparer.Ordinal).ToList();
        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificate(signers[0].Certificate.Span);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return unauthenticated;
        }

        var operation = EstOperation.FullCmcReenroll.Name();
        var actor = "cert:" + certificate.SerialNumber;
        if (signers.Count > 1)
        {
            return await RefuseSignatureAsync(actor, operation, context, "the CMC request is signed by more than one certificate; a renewal is signed by the one certificate it renews (RFC 5272 §3.2.1.3.1)", cancellationToken);
        }

        var authenticated = await _authenticator.AuthenticateCertificateAsync(certificate, AuthenticationMethod.CmsSignature, cancellationToken);
        if (authenticated.Value is not { } who)
        {
            // Like simplereenroll: a certificate that is not ours is refused with its reason, not challenged for Basic.
            return await RefuseSignatureAsync(actor, operation, context, authenticated.Error!.Message, cancellationToken);
        }

        var now = _time.GetUtcNow();
        if (signers[0].SigningTime is not { } signedAt)
        {
            return await RefuseSignatureAsync(actor, operation, context, "a renewal signed by the certificate must carry the signingTime signed attribute (RFC 5652 §11.3), which Estuary checks against replay", cancellationToken);
        }

        if ((signedAt - now).Duration() > RenewalSigningTimeWindow)
        {
            return await RefuseSignatureAsync(actor, operation, context, $"the CMC request was signed at {signedAt:u}, more than {RenewalSigningTimeWindow.TotalMinutes:0} minutes from this server's time {now:u}: refused as a possible replay (RFC 5652 §11.3 signingTime); check the client's clock", cancellationToken);
        }

        return EstResult<(Admission, CmcRequest)>.Ok((new Admission(EstOperation.FullCmcReenroll, profile, who), request));
    }

    /// <summary>A refused CMS-signature authentication: 403 with the reason, logged and audited under the signer certificate.</summary>
    private async Task<EstError> RefuseSignatureAsync(string actor, string operation, EstRequestContext context, string reason, CancellationToken cancellationToken)
    {
        var error = EstError.Forbidden(reason);
        LogRefused(_logger, operation, actor, context.Label, reason);
        await AuditRefusedAsync(RefusedAuthentication, actor, operation, context, error, cancellationToken);
        return error;
    }

    /// <summary>Logs and audits a refusal after admission (policy, upstream), and returns it.</summary>
    private async Task<EstError> RefuseAsync(Admission admission, EstRequestContext context, string kind, EstError error, CancellationToken cancellationToken)
    {
        LogRefused(_logger, admission.OperationName, admission.Principal.Id, context.Label, error.Message);
        await AuditRefusedAsync(kind, admission.Principal.Id, admission.OperationName, context, error, cancellationToken);
        return error;
    }

    /// <summary>Writes a refused request to the audit log; the reason is the one the client saw, never a secret.</summary>
    private async Task AuditRefusedAsync(string kind, string actor, string operation, EstRequestContext context, EstError error, CancellationToken cancellationToken)
    {
        try
        {
            await _store.AppendAuditAsync(new AuditEvent(_time.GetUtcNow(), kind, actor, $"{operation} on label '{LabelText(context.Label)}' from {context.RemoteAddress}: {error.Message}"), cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The refusal stands whether or not it could be recorded.
            LogAuditFailed(_logger, e);
        }
    }

    /// <summary>Audits a failed authentication when the client presented credentials (a bare challenge round-trip is not a failure).</summary>
    private Task AuditAuthenticationFailureAsync(EstRequestContext context, EstError error, string operation, CancellationToken cancellationToken) =>
        context.Basic is null && context.ClientCertificate is null
            ? Task.CompletedTask
            : AuditRefusedAsync(RefusedAuthentication, context.Basic is { } b ? "basic:" + b.Username : "cert:" + context.ClientCertificate!.SerialNumber, operation, context, error, cancellationToken);

    [LoggerMessage(EventId = EstuaryEventId.Refused, Level = LogLevel.Information, Message = "{Operation}: refused request of {Principal} on label '{Label}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string operation, string principal, string label, string reason);

    [LoggerMessage(EventId = EstuaryEventId.RefusalNotAudited, Level = LogLevel.Warning, Message = "could not write a refused request to the audit log")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception);
}
