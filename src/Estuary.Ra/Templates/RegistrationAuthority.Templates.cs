using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Template authorization and the audit of refused requests. Who may use a template is decided here,
/// in the RA, from the principal the authenticator established and the account's groups in storage.
/// </summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>Audit kinds of refused EST requests; the console groups failures by them.</summary>
    public const string RefusedAuthentication = "est.refused.authentication";
    public const string RefusedAuthorization = "est.refused.authorization";
    public const string RefusedPolicy = "est.refused.policy";

    /// <summary>Null when <paramref name="who"/> may use the profile's template (configuration profiles admit every client).</summary>
    private async Task<EstError?> AuthorizeTemplateAsync(Profile profile, EstPrincipal who, string operation, EstRequestContext context, CancellationToken cancellationToken)
    {
        if (profile.Template is not { RestrictsClients: true } template)
        {
            return null;
        }

        // RFC 7030 §4.2.2: a certificate issued on this label may always renew itself.
        if (operation == "simplereenroll" && who.CertificateSerial is { } serial
            && await _store.FindCertificateAsync(serial, cancellationToken) is { } current && current.Label == context.Label)
        {
            return null;
        }

        IReadOnlyCollection<string> groups = [];
        if (who.Method == AuthenticationMethod.Basic && template.Groups.Count > 0 && _store is IManagementStore management)
        {
            groups = await management.GetAccountGroupsAsync(who.Name, cancellationToken);
        }

        if (template.Allows(who, groups))
        {
            return null;
        }

        var error = EstError.Forbidden($"{Describe(who)} may not use template '{template.TemplateName}' (label '{LabelText(context.Label)}')");
        await AuditRefusedAsync(RefusedAuthorization, who.Id, operation, context, error, cancellationToken);
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

    private static string Describe(EstPrincipal who) =>
        who.Method == AuthenticationMethod.Basic ? $"account '{who.Name}'" : $"client certificate '{who.Name}'";

    [LoggerMessage(EventId = 1010, Level = LogLevel.Warning, Message = "could not write a refused request to the audit log")]
    private static partial void LogAuditFailed(ILogger logger, Exception exception);
}
