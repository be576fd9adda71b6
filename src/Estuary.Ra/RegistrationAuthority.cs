using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// The Registration Authority: the one door every certificate goes through. One method per RFC 7030 operation,
/// each running the same pipeline (docs/ARCHITECTURE.md): label → profile → authenticate (a principal with
/// provenance) → <see cref="EstAuthorization.Authorize"/> (deny by default, refusals audited) → policy (the CSR's
/// names checked) → issuer (the built-in CA, an upstream EST server, or the approval queue in front of either) →
/// record (the one sign-and-record method; durable before anything is returned). This file holds the RA's state;
/// the partial files beside it hold methods only.
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

    /// <summary>Upstream EST adapters (RA-proxy mode); null when none are configured.</summary>
    private readonly AdapterRegistry? _adapters;

    /// <summary>Encrypted return of server-generated keys (RFC 7030 §4.4.2); without it such CSRs get a 400.</summary>
    private readonly ServerKeyProtection? _keyProtection;

    /// <summary>Repeats of one approved request that arrive together share one issuance: one certificate, not two.</summary>
    private readonly ConcurrentDictionary<long, Lazy<Task<EstResult<IssuedCertificate>>>> _collections = new();

    private readonly ApprovalQueue _approvals;

    /// <summary>The issuing CA of each hierarchy; a label signs with its own (<see cref="Profile.Hierarchy"/>).</summary>
    private readonly IssuerHierarchies _hierarchies;

    /// <summary>The /cacerts body, rebuilt when the issuing CA changes while the server runs.</summary>
    private volatile CaCertsCache? _caCertsCache;

    public RegistrationAuthority(
        LabelRegistry labels,
        CertificateAuthority ca,
        IEstuaryStore store,
        EstAuthenticator authenticator,
        RaOptions options,
        TimeProvider time,
        ILogger<RegistrationAuthority> logger,
        AdapterRegistry? adapters = null,
        ServerKeyProtection? keyProtection = null,
        IssuerHierarchies? hierarchies = null)
    {
        _hierarchies = hierarchies ?? new IssuerHierarchies(ca, new Dictionary<string, CertificateAuthority>());
        _labels = labels;
        _ca = ca;
        _store = store;
        _authenticator = authenticator;
        _options = options;
        _time = time;
        _logger = logger;
        _adapters = adapters;
        _keyProtection = keyProtection;
        _approvals = new ApprovalQueue(store, time, options);
    }

    /// <summary>/cacerts (RFC 7030 §4.1): certs-only CMS with the issuing CA and the root. No authentication.</summary>
    public EstResult<byte[]> GetCaCerts(string label) =>
        _labels.Find(label) is not { } profile ? UnknownLabel(label)
        : CaOf(profile) is { } ca ? EstResult<byte[]>.Ok(ca == _ca ? CaCertsBody() : HierarchyCaCertsBody(ca))
        : HierarchyMissing(profile);

    /// <summary>/csrattrs (RFC 7030 §4.5, RFC 9908): what the label wants in a CSR; null value means none (204).</summary>
    public EstResult<byte[]?> GetCsrAttributes(string label) =>
        _labels.Find(label) is { } profile ? EstResult<byte[]?>.Ok(profile.CsrAttributes) : UnknownLabel(label);

    /// <summary>/simpleenroll (RFC 7030 §4.2.1); with approval, its repeats collect the approved certificate (§4.2.3).</summary>
    public async Task<EstResult<IssuedCertificate>> EnrollAsync(EstRequestContext context, CertificationRequest csr, CancellationToken cancellationToken)
    {
        var admitted = await AdmitAsync(EstOperation.SimpleEnroll, context, cancellationToken);
        return admitted.Value is { } admission
            ? await IssueAsync(admission, csr, replaces: null, context, cancellationToken)
            : admitted.Error!;
    }

    /// <summary>
    /// /simplereenroll (RFC 7030 §4.2.2): the client authenticates with the certificate it renews, which must be one
    /// this RA recorded, unexpired, unrevoked and of an enabled account; the CSR's Subject and SubjectAltName must be
    /// identical to the certificate's. The same key renews, a new key rekeys; both are accepted.
    /// </summary>
    public async Task<EstResult<IssuedCertificate>> ReenrollAsync(EstRequestContext context, CertificationRequest csr, CancellationToken cancellationToken)
    {
        var admitted = await AdmitAsync(EstOperation.SimpleReenroll, context, cancellationToken);
        if (admitted.Value is not { } admission)
        {
            return admitted.Error!;
        }

        if (RenewalNameProblem(csr, admission.Principal.Certificate!) is { } problem)
        {
            return await RefuseAsync(admission, context, RefusedPolicy, EstError.BadRequest(problem), cancellationToken);
        }

        return await IssueAsync(admission, csr, admission.Principal.CertificateSerial, context, cancellationToken);
    }

    /// <summary>
    /// RFC 7030 §4.2.2 for every renewal (simplereenroll, and fullcmc signed by the certificate): the request's Subject and
    /// SubjectAltName "MUST be identical" to the certificate's — the subject byte for byte, so that a renewal never changes
    /// a name's case or string type. Null when they are, else why not.
    /// </summary>
    private static string? RenewalNameProblem(CertificationRequest csr, X509Certificate2 current)
    {
        if (!csr.Subject.Span.SequenceEqual(current.SubjectName.RawData))
        {
            return $"the CSR subject must be identical to the subject of the certificate being renewed ({current.Subject}), RFC 7030 §4.2.2";
        }

        return SameSubjectAltNames(csr, current) ? null : "the CSR subjectAltName must equal that of the certificate being renewed, RFC 7030 §4.2.2";
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
}
