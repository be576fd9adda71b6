using System.Net;
using Estuary.Ca;
using Estuary.Client;
using Estuary.Protocol;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// One upstream EST adapter in service: an <see cref="EstClient"/> to the upstream (its trust anchor, the
/// adapter's credentials, its timeout) and the upstream's /cacerts answer, reused until it is due for refresh.
/// The RA has authenticated and authorized the client before anything reaches this class; this class only
/// forwards the client's CSR unchanged — its signature is the client's proof of possession (RFC 7030 §3.4) —
/// and turns every upstream failure into an <see cref="EstError"/> that names the upstream.
/// </summary>
public sealed partial class UpstreamEstAdapter : IDisposable
{
    private static readonly TimeSpan UnavailableRetryAfter = TimeSpan.FromSeconds(30);
    private readonly EstClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private volatile CaCertsSnapshot? _caCerts;

    public UpstreamEstAdapter(AdapterDefinition definition, string? password, TimeProvider time, ILogger logger)
    {
        Definition = definition;
        _time = time;
        _logger = logger;
        var hasPem = !string.IsNullOrWhiteSpace(definition.TrustAnchorPem);
        var options = new EstClientOptions
        {
            Server = new Uri(definition.BaseUrl.Trim()),
            Label = string.IsNullOrWhiteSpace(definition.Label) ? null : definition.Label.Trim(),
            TrustAnchors = hasPem ? AdapterValidator.TrustAnchors(definition.TrustAnchorPem!) : [],
            TrustFingerprint = hasPem || string.IsNullOrWhiteSpace(definition.TrustAnchorFingerprint) ? null : definition.TrustAnchorFingerprint.Trim(),
            Username = string.IsNullOrWhiteSpace(definition.Username) ? null : definition.Username.Trim(),
            Password = string.IsNullOrWhiteSpace(definition.Username) ? null : password,
            // The upstream always wants them for enrollment; sending them with the request saves the 401 round trip.
            SendCredentialsUpFront = !string.IsNullOrWhiteSpace(definition.Username),
            ClientCertificate = definition.HasClientCertificate ? AdapterValidator.LoadClientCertificate(definition) : null,
            Timeout = TimeSpan.FromSeconds(definition.TimeoutSeconds),
            // A 202 is handed back to our client at once (RFC 7030 §4.2.3), never waited out while it waits.
            MaxPendingWait = TimeSpan.Zero,
            TimeProvider = time,
        };
        EstBase = options.EstBase;
        _client = new EstClient(options);
    }

    public string Name => Definition.Name;

    /// <summary>The definition in force, without the password.</summary>
    public AdapterDefinition Definition { get; }

    /// <summary>The upstream's EST base URL (…/.well-known/est[/label]).</summary>
    public Uri EstBase { get; }

    /// <summary>How messages name this adapter: its name and the upstream it forwards to.</summary>
    public string Describe => $"upstream EST adapter '{Name}' ({EstBase})";

    public void Dispose()
    {
        _client.Dispose();
        _refresh.Dispose();
    }

    /// <summary>
    /// Forwards a CSR to the upstream's /simpleenroll, or to its /simplereenroll when <paramref name="reenroll"/>
    /// and the RA holds a client certificate for the upstream (without one, the renewal the RA has already
    /// checked is enrolled with the adapter's HTTP Basic account).
    /// </summary>
    public async Task<EstResult<UpstreamCertificate>> EnrollAsync(CertificationRequest csr, bool reenroll, CancellationToken cancellationToken)
    {
        var operation = reenroll && Definition.HasClientCertificate ? "simplereenroll" : "simpleenroll";
        EnrollmentResult result;
        try
        {
            result = operation == "simplereenroll"
                ? await _client.SimpleReenrollAsync(csr.Encoded, cancellationToken)
                : await _client.SimpleEnrollAsync(csr.Encoded, cancellationToken);
        }
        catch (EstClientException e)
        {
            LogUpstreamFailed(_logger, Name, operation, e.Kind.ToString(), e.StatusCode is { } s ? (int)s : 0);
            return Map(e, operation);
        }

        var certificate = result.Certificate;
        // The upstream must certify the key the client proved it holds, nothing else.
        if (!certificate.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(csr.SubjectPublicKeyInfo.Span))
        {
            return new EstError(EstErrorKind.BadGateway, $"{Describe} returned a certificate for a different public key than the CSR's; nothing was issued to the client");
        }

        var issued = new IssuedCertificate(certificate.RawData, certificate.SerialNumber, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime());
        return EstResult<UpstreamCertificate>.Ok(new UpstreamCertificate(issued, certificate.Issuer, operation));
    }

    /// <summary>
    /// The upstream's /cacerts answer as certs-only DER (RFC 7030 §4.1.3), fetched when older than the refresh
    /// interval. When a refresh fails the last answer is served; with none the failure is the answer.
    /// </summary>
    public async Task<EstResult<byte[]>> GetCaCertsAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var refreshAfter = TimeSpan.FromMinutes(Definition.CaCertsRefreshMinutes);
        if (_caCerts is { } fresh && now - fresh.FetchedAt < refreshAfter)
        {
            return EstResult<byte[]>.Ok(fresh.Der);
        }

        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (_caCerts is { } other && _time.GetUtcNow() - other.FetchedAt < refreshAfter)
            {
                return EstResult<byte[]>.Ok(other.Der);
            }

            try
            {
                var answer = await _client.GetCaCertsAsync(cancellationToken);
                var der = CertsOnly.Encode(answer.Certificates.Select(c => c.RawDataMemory));
                _caCerts = new CaCertsSnapshot(der, _time.GetUtcNow());
                return EstResult<byte[]>.Ok(der);
            }
            catch (EstClientException e)
            {
                LogUpstreamFailed(_logger, Name, "cacerts", e.Kind.ToString(), e.StatusCode is { } s ? (int)s : 0);
                return _caCerts is { } stale ? EstResult<byte[]>.Ok(stale.Der) : Map(e, "cacerts");
            }
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>Upstream failures as EST errors: 202 stays 202, the client's fault stays 400, the rest is 502 or 503.</summary>
    private EstError Map(EstClientException e, string operation)
    {
        var reason = string.IsNullOrWhiteSpace(e.ServerReason) ? "" : ": " + e.ServerReason.Trim();
        return e.Kind switch
        {
            EstClientErrorKind.PendingTimeout => new EstError(EstErrorKind.Pending, $"{Describe} holds the request for approval", e.RetryAfter ?? TimeSpan.FromSeconds(60)),
            EstClientErrorKind.Unauthorized => new EstError(EstErrorKind.BadGateway, $"{Describe} refused the adapter's credentials on /{operation} (401); check the adapter's user name, password or client certificate"),
            EstClientErrorKind.Refused when e.StatusCode == HttpStatusCode.BadRequest => EstError.BadRequest($"{Describe} refused the CSR on /{operation}{reason}"),
            EstClientErrorKind.Refused when e.StatusCode == HttpStatusCode.ServiceUnavailable => new EstError(EstErrorKind.Unavailable, $"{Describe} is unavailable (503){reason}", UnavailableRetryAfter),
            EstClientErrorKind.Refused => new EstError(EstErrorKind.BadGateway, $"{Describe} answered /{operation} with {(int?)e.StatusCode}{reason}"),
            EstClientErrorKind.Trust => new EstError(EstErrorKind.BadGateway, $"{Describe} could not be authenticated: {e.Message}; check the adapter's trust anchor"),
            EstClientErrorKind.Network => new EstError(EstErrorKind.Unavailable, $"{Describe} cannot be reached: {e.Message}", UnavailableRetryAfter),
            EstClientErrorKind.Timeout => new EstError(EstErrorKind.Unavailable, $"{Describe} did not answer within {Definition.TimeoutSeconds} s", UnavailableRetryAfter),
            _ => new EstError(EstErrorKind.BadGateway, $"{Describe} answered /{operation} with something that is not EST: {e.Message}"),
        };
    }

    private sealed record CaCertsSnapshot(byte[] Der, DateTimeOffset FetchedAt);

    [LoggerMessage(EventId = EstuaryEventId.UpstreamFailed, Level = LogLevel.Warning, Message = "upstream EST adapter {Adapter}: {Operation} failed ({Kind}, HTTP {Status})")]
    private static partial void LogUpstreamFailed(ILogger logger, string adapter, string operation, string kind, int status);
}
