using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// RA-proxy mode (RFC 7030 §1, §2.4): labels whose template names an upstream EST adapter. The RA still
/// authenticates the client, authorizes it against the template and applies the template's rules to the CSR;
/// only then does it forward the client's own CSR to the upstream, record the certificate the upstream
/// returned like one of its own, and hand it back. /cacerts of such a label answers with the upstream's CA
/// certificates, since the client must learn the CA that issues (RFC 7030 §4.1).
/// </summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>Audit kind of an enrollment the upstream refused or could not answer.</summary>
    public const string RefusedUpstream = "est.refused.upstream";

    /// <summary>/cacerts (RFC 7030 §4.1): the upstream's CA certificates on a label that issues through an upstream adapter.</summary>
    public async Task<EstResult<byte[]>> GetCaCertsAsync(string label, CancellationToken cancellationToken)
    {
        if (_labels.Find(label) is not { } profile)
        {
            return UnknownLabel(label);
        }

        if (UpstreamAdapterOf(profile) is not { } name)
        {
            return GetCaCerts(label);
        }

        return FindAdapter(name, label) is { Value: { } adapter } ? await adapter.GetCaCertsAsync(cancellationToken) : FindAdapter(name, label).Error!;
    }

    /// <summary>The name of the upstream adapter a profile issues through, or null for the built-in CA.</summary>
    private static string? UpstreamAdapterOf(Profile profile) =>
        profile.Template is { } template && template.Adapter != TemplateCompiler.BuiltinAdapter ? template.Adapter : null;

    private EstResult<UpstreamEstAdapter> FindAdapter(string name, string label) =>
        _adapters?.Find(name) is { } adapter
            ? EstResult<UpstreamEstAdapter>.Ok(adapter)
            : new EstError(EstErrorKind.Unavailable, $"label '{LabelText(label)}' issues through upstream EST adapter '{name}', which is not in service (see the server log)", TimeSpan.FromSeconds(60));

    /// <summary>
    /// The certificate being renewed on a label served by an upstream adapter: the upstream issued it, so the
    /// check is that this RA recorded exactly that certificate (same DER) when it forwarded the enrollment,
    /// that it is unrevoked and valid now. TLS has proven the client holds its key.
    /// </summary>
    private async Task<EstResult<EstPrincipal>> AuthenticateUpstreamCertificateAsync(X509Certificate2 certificate, string label, CancellationToken cancellationToken)
    {
        var serial = certificate.SerialNumber;
        var record = await _store.FindCertificateAsync(serial, cancellationToken);
        if (record is null || !record.Der.AsSpan().SequenceEqual(certificate.RawData) || record.Label != label)
        {
            return EstError.Forbidden($"the TLS client certificate (serial {serial}) was not enrolled through this server on label '{LabelText(label)}'");
        }

        return await _authenticator.FromRecordAsync(record, certificate, cancellationToken);
    }

    /// <summary>The last step of <see cref="IssueAsync"/> for a label served by an upstream adapter: forward, record, return.</summary>
    private async Task<EstResult<IssuedCertificate>> ForwardAsync(
        string adapterName,
        Admission admission,
        RequestedCertificate requested,
        string? replaces,
        EstRequestContext context,
        CancellationToken cancellationToken)
    {
        var (who, operation) = (admission.Principal, admission.OperationName);
        if (admission.Operation is not (EstOperation.SimpleEnroll or EstOperation.SimpleReenroll))
        {
            return EstError.BadRequest($"{operation} is not available on label '{LabelText(context.Label)}': its template issues through upstream EST adapter '{adapterName}'");
        }

        var found = FindAdapter(adapterName, context.Label);
        if (found.Value is not { } adapter)
        {
            return found.Error!;
        }

        var forwarded = await adapter.EnrollAsync(requested.Request, reenroll: admission.Operation == EstOperation.SimpleReenroll, cancellationToken);
        if (forwarded.Value is not { } upstream)
        {
            if (forwarded.Error!.Kind != EstErrorKind.Pending)
            {
                LogRefused(_logger, operation, who.Id, context.Label, forwarded.Error.Message);
                await AuditRefusedAsync(RefusedUpstream, who.Id, operation, context, forwarded.Error, cancellationToken);
            }

            return forwarded.Error!;
        }

        var issued = upstream.Certificate;
        var now = _time.GetUtcNow();
        var record = ToRecord(issued.SerialHex, upstream.Issuer, issued, requested, who, context.Label, operation, replaces, now);
        var audit = new AuditEvent(now, "certificate.issued", who.Id,
            $"{operation} serial {issued.SerialHex} subject '{record.Subject}' label '{LabelText(context.Label)}' via upstream EST adapter '{adapterName}' (upstream /{upstream.UpstreamOperation}, issuer '{upstream.Issuer}') from {context.RemoteAddress}");
        try
        {
            await _store.InsertCertificateAsync(record, audit, cancellationToken);
        }
        catch (DuplicateSerialException)
        {
            // Another CA's serial may equal one of ours; the certificate is not handed out unrecorded.
            return new EstError(EstErrorKind.BadGateway, $"{adapter.Describe} issued serial {issued.SerialHex}, which this server has already recorded for another certificate; the certificate was not returned");
        }

        LogForwarded(_logger, operation, issued.SerialHex, record.Subject, who.Id, adapterName);
        return EstResult<IssuedCertificate>.Ok(issued);
    }

    [LoggerMessage(EventId = EstuaryEventId.UpstreamForwarded, Level = LogLevel.Information, Message = "{Operation}: upstream EST adapter {Adapter} issued serial {Serial} for '{Subject}' to {Principal}")]
    private static partial void LogForwarded(ILogger logger, string operation, string serial, string subject, string principal, string adapter);
}
