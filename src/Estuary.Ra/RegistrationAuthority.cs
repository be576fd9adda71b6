using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// The Registration Authority: the one place that decides who may ask for what. One method per RFC 7030
/// operation. Issuance is a fixed pipeline: authorize → apply the profile → sign once → record durably →
/// respond. A certificate is never returned before its record is committed.
/// </summary>
public sealed partial class RegistrationAuthority
{
    private readonly LabelRegistry _labels;
    private readonly CertificateAuthority _ca;
    private readonly IEstuaryStore _store;
    private readonly EstAuthenticator _authenticator;
    private readonly RaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    public RegistrationAuthority(
        LabelRegistry labels,
        CertificateAuthority ca,
        IEstuaryStore store,
        EstAuthenticator authenticator,
        RaOptions options,
        TimeProvider time,
        ILogger<RegistrationAuthority> logger,
        AdapterRegistry? adapters = null,
        ServerKeyProtection? keyProtection = null)
    {
        _adapters = adapters;
        // Without it, CSRs asking for an encrypted server-generated key (RFC 7030 §4.4.2) get a 400.
        _keyProtection = keyProtection;
        _labels = labels;
        _ca = ca;
        _store = store;
        _authenticator = authenticator;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>/cacerts (RFC 7030 §4.1): certs-only CMS with the issuing CA and the root. No authentication.</summary>
    public EstResult<byte[]> GetCaCerts(string label) =>
        _labels.Find(label) is null ? UnknownLabel(label) : EstResult<byte[]>.Ok(CaCertsBody());

    /// <summary>/csrattrs (RFC 7030 §4.5, RFC 9908): what the label wants in a CSR; null value means none (204).</summary>
    public EstResult<byte[]?> GetCsrAttributes(string label) =>
        _labels.Find(label) is { } profile ? EstResult<byte[]?>.Ok(profile.CsrAttributes) : UnknownLabel(label);

    /// <summary>/simpleenroll (RFC 7030 §4.2.1).</summary>
    public async Task<EstResult<IssuedCertificate>> EnrollAsync(EstRequestContext context, CertificationRequest csr, CancellationToken cancellationToken)
    {
        if (_labels.Find(context.Label) is not { } profile)
        {
            return UnknownLabel(context.Label);
        }

        var principal = await _authenticator.AuthenticateAsync(context, cancellationToken);
        if (principal.Value is not { } who)
        {
            await AuditAuthenticationFailureAsync(context, principal.Error!, "simpleenroll", cancellationToken);
            return principal.Error!;
        }

        return await IssueAsync(profile, who, csr, "simpleenroll", replaces: null, context, cancellationToken);
    }

    /// <summary>
    /// /simplereenroll (RFC 7030 §4.2.2): the client authenticates with the certificate it renews, which must
    /// be ours, unexpired and not revoked; the CSR's Subject and SubjectAltName must equal the certificate's.
    /// The same key renews, a new key rekeys; both are accepted.
    /// </summary>
    public async Task<EstResult<IssuedCertificate>> ReenrollAsync(EstRequestContext context, CertificationRequest csr, CancellationToken cancellationToken)
    {
        if (_labels.Find(context.Label) is not { } profile)
        {
            return UnknownLabel(context.Label);
        }

        if (context.ClientCertificate is not { } current)
        {
            return EstError.Forbidden("simplereenroll needs TLS client authentication with the certificate being renewed (RFC 7030 §3.3.2)");
        }

        // RA-proxy mode: the certificate came from the upstream CA, and this RA recorded it (RegistrationAuthority.Upstream).
        var principal = UpstreamAdapterOf(profile) is null
            ? await _authenticator.AuthenticateCertificateAsync(current, cancellationToken)
            : await AuthenticateUpstreamCertificateAsync(current, context.Label, cancellationToken);
        if (principal.Value is not { } who)
        {
            return principal.Error!.Kind == EstErrorKind.Unauthorized ? EstError.Forbidden(principal.Error.Message) : principal.Error;
        }

        if (!SameName(csr.Subject.Span, current.SubjectName))
        {
            return EstError.BadRequest($"the CSR subject must equal the subject of the certificate being renewed ({current.Subject}), RFC 7030 §4.2.2");
        }

        if (!SameSubjectAltNames(csr, current))
        {
            return EstError.BadRequest("the CSR subjectAltName must equal that of the certificate being renewed, RFC 7030 §4.2.2");
        }

        return await IssueAsync(profile, who, csr, "simplereenroll", who.CertificateSerial, context, cancellationToken);
    }

    private async Task<EstResult<IssuedCertificate>> IssueAsync(
        Profile profile,
        EstPrincipal who,
        CertificationRequest csr,
        string operation,
        string? replaces,
        EstRequestContext context,
        CancellationToken cancellationToken)
    {
        if (await AuthorizeTemplateAsync(profile, who, operation, context, cancellationToken) is { } denied)
        {
            LogRefused(_logger, operation, who.Id, context.Label, denied.Message);
            return denied;
        }

        if (CheckProofOfPossessionLinking(profile, csr, context) is { } linkError)
        {
            LogRefused(_logger, operation, who.Id, context.Label, linkError.Message);
            return linkError;
        }

        var now = _time.GetUtcNow();
        var instructions = CsrPolicy.Apply(profile, csr, now, _options.BackdateBy);
        if (instructions.Value is not { } tbs)
        {
            LogRefused(_logger, operation, who.Id, context.Label, instructions.Error!.Message);
            await AuditRefusedAsync(RefusedPolicy, who.Id, operation, context, instructions.Error!, cancellationToken);
            return instructions.Error!;
        }

        if (UpstreamAdapterOf(profile) is { } adapter)
        {
            return await ForwardAsync(adapter, who, csr, operation, replaces, context, cancellationToken);
        }

        if (profile.RequireApproval)
        {
            return await HoldOrCollectAsync(who, csr, tbs, operation, replaces, context, cancellationToken);
        }

        // A serial collision (2^-126 per pair) is answered by signing again, never by a 500.
        for (var attempt = 0; ; attempt++)
        {
            var issued = _ca.Issue(tbs);
            var record = ToRecord(issued, csr, who, context.Label, operation, replaces, now);
            var audit = new AuditEvent(now, "certificate.issued", who.Id, $"{operation} serial {issued.SerialHex} subject '{record.Subject}' label '{LabelText(context.Label)}' from {context.RemoteAddress}");
            try
            {
                await _store.InsertCertificateAsync(record, audit, cancellationToken);
                LogIssued(_logger, operation, issued.SerialHex, record.Subject, who.Id);
                return EstResult<IssuedCertificate>.Ok(issued);
            }
            catch (DuplicateSerialException) when (attempt < 3)
            {
            }
        }
    }

    private CertificateRecord ToRecord(IssuedCertificate issued, CertificationRequest csr, EstPrincipal who, string label, string operation, string? replaces, DateTimeOffset now)
    {
        var san = csr.FindExtension(Oids.SubjectAltName);
        return new CertificateRecord
        {
            Serial = issued.SerialHex,
            Subject = new X500DistinguishedName(csr.Subject.Span).Name,
            SubjectAltNames = san is null ? "" : string.Join('\n', GeneralNames.Read(san.Value)),
            Issuer = issued.Issuer ?? _ca.Certificate.Subject,
            NotBefore = issued.NotBefore,
            NotAfter = issued.NotAfter,
            RequestedBy = who.Id,
            Label = label,
            Operation = operation,
            Replaces = replaces,
            Der = issued.Der,
            IssuedAt = now,
        };
    }

    /// <summary>Name equality: byte-identical DER, or the same RDNs once normalised (RFC 5280 §7.1 matching, simplified).</summary>
    private static bool SameName(ReadOnlySpan<byte> csrSubject, X500DistinguishedName certificateSubject)
    {
        if (csrSubject.SequenceEqual(certificateSubject.RawData))
        {
            return true;
        }

        var a = new X500DistinguishedName(csrSubject).Format(multiLine: false);
        var b = certificateSubject.Format(multiLine: false);
        return string.Equals(Normalize(a), Normalize(b), StringComparison.OrdinalIgnoreCase);

        static string Normalize(string s) => string.Join(' ', s.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    private static bool SameSubjectAltNames(CertificationRequest csr, X509Certificate2 current)
    {
        var requested = csr.FindExtension(Oids.SubjectAltName);
        var existing = current.Extensions[Oids.SubjectAltName];
        if (requested is null || existing is null)
        {
            return requested is null && existing is null;
        }

        var a = GeneralNames.Read(requested.Value).Select(n => Convert.ToHexString(n.Encoded.Span)).Order(StringComparer.Ordinal);
        var b = GeneralNames.Read(existing.RawData).Select(n => Convert.ToHexString(n.Encoded.Span)).Order(StringComparer.Ordinal);
        return a.SequenceEqual(b, StringComparer.Ordinal);
    }

    private static EstError UnknownLabel(string label) => EstError.NotFound($"unknown CA label '{label}'");

    private static string LabelText(string label) => string.IsNullOrEmpty(label) ? RaOptions.DefaultLabel : label;

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "{Operation}: issued serial {Serial} for '{Subject}' to {Principal}")]
    private static partial void LogIssued(ILogger logger, string operation, string serial, string subject, string principal);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "{Operation}: refused request of {Principal} on label '{Label}': {Reason}")]
    private static partial void LogRefused(ILogger logger, string operation, string principal, string label, string reason);
}
