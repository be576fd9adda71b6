using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Decides who an EST client is (RFC 7030 §3.3): a TLS client certificate this CA issued and still
/// considers good, or HTTP Basic against a stored account. Failures are logged with the user name and
/// address, never the password.
/// </summary>
public sealed partial class EstAuthenticator
{
    private readonly IEstuaryStore _store;
    private readonly CertificateAuthority _ca;
    private readonly PasswordHasher _hasher;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly ILoginThrottle _throttle;

    private readonly IssuerHierarchies? _hierarchies;

    public EstAuthenticator(IEstuaryStore store, CertificateAuthority ca, PasswordHasher hasher, TimeProvider time, ILogger<EstAuthenticator> logger, ILoginThrottle? throttle = null, IssuerHierarchies? hierarchies = null)
    {
        _hierarchies = hierarchies;
        _throttle = throttle ?? new LoginThrottle(time);
        _store = store;
        _ca = ca;
        _hasher = hasher;
        _time = time;
        _logger = logger;
    }

    /// <summary>Authenticates by client certificate first, then by Basic credentials.</summary>
    public async Task<EstResult<EstPrincipal>> AuthenticateAsync(EstRequestContext context, CancellationToken cancellationToken)
    {
        EstError? certificateError = null;
        if (context.ClientCertificate is { } certificate)
        {
            var byCertificate = await AuthenticateCertificateAsync(certificate, cancellationToken);
            if (byCertificate.IsSuccess)
            {
                return byCertificate;
            }

            certificateError = byCertificate.Error;
        }

        if (context.Basic is { } basic)
        {
            return await AuthenticateBasicAsync(basic, context.RemoteAddress, cancellationToken);
        }

        return certificateError is { Kind: EstErrorKind.Forbidden }
            ? certificateError
            : EstError.Unauthorized("authentication required: HTTP Basic credentials or a TLS client certificate issued by this CA");
    }

    /// <summary>Accepts a certificate this CA signed, that storage knows, unexpired and not revoked, of an enabled account.</summary>
    public Task<EstResult<EstPrincipal>> AuthenticateCertificateAsync(X509Certificate2 certificate, CancellationToken cancellationToken) =>
        AuthenticateCertificateAsync(certificate, AuthenticationMethod.ClientCertificate, cancellationToken);

    /// <summary>
    /// The same checks for a certificate whose key the client proved by <paramref name="method"/>: the TLS handshake
    /// (RFC 7030 §3.3.2), or the signature of a CMC PKIData (RFC 5272 §3.2.1.3.1). The principal is the record, either way.
    /// </summary>
    public async Task<EstResult<EstPrincipal>> AuthenticateCertificateAsync(X509Certificate2 certificate, AuthenticationMethod method, CancellationToken cancellationToken)
    {
        var noun = CertificateNoun(method);

        // A certificate of a further hierarchy (e.g. a P-256 key under the ML-DSA CA) authenticates like one of the main CA.
        if (!_ca.IssuedThis(certificate) && _hierarchies?.Further.Any(ca => ca.IssuedThis(certificate)) != true)
        {
            return EstError.Unauthorized($"the {noun} was not issued by this CA");
        }

        var record = await _store.FindCertificateAsync(certificate.SerialNumber, cancellationToken);
        if (record is null || !record.Der.AsSpan().SequenceEqual(certificate.RawData))
        {
            return EstError.Forbidden($"the {noun} is not an end-entity certificate issued through EST");
        }

        return await FromRecordAsync(record, certificate, cancellationToken, method);
    }

    /// <summary>
    /// A certificate principal from the record of the certificate's issuance (the caller has matched the record to the
    /// certificate the client proved it holds): unrevoked, valid now, and owned by an account that exists and is enabled.
    /// Disabling an account disables its certificates for EST at once, without revoking them.
    /// </summary>
    public async Task<EstResult<EstPrincipal>> FromRecordAsync(CertificateRecord record, X509Certificate2 certificate, CancellationToken cancellationToken, AuthenticationMethod method = AuthenticationMethod.ClientCertificate)
    {
        var serial = record.Serial;
        var noun = CertificateNoun(method);
        if (record.RevokedAt is not null)
        {
            return EstError.Forbidden($"the {noun} (serial {serial}) is revoked");
        }

        var now = _time.GetUtcNow();
        if (now > record.NotAfter || now < record.NotBefore)
        {
            return EstError.Forbidden($"the {noun} (serial {serial}) is not valid now (valid {record.NotBefore:u} to {record.NotAfter:u})");
        }

        if (record.Account is not { } owner || await _store.FindAccountAsync(owner, cancellationToken) is not { Enabled: true })
        {
            return EstError.Forbidden($"the {noun} (serial {serial}) belongs to an account that is disabled or gone");
        }

        return EstResult<EstPrincipal>.Ok(new EstPrincipal(method, record.Subject, certificate, serial)
        {
            Account = owner,
            IssuedLabel = string.IsNullOrEmpty(record.Label) ? RaOptions.DefaultLabel : record.Label,
        });
    }

    private static string CertificateNoun(AuthenticationMethod method) =>
        method == AuthenticationMethod.CmsSignature ? "certificate that signed the CMC request" : "TLS client certificate";

    private async Task<EstResult<EstPrincipal>> AuthenticateBasicAsync(BasicCredentials basic, string remote, CancellationToken cancellationToken)
    {
        var check = await _throttle.CheckAsync(basic.Username, remote, cancellationToken);
        if (check.LockedFor is { } wait)
        {
            LogBasicFailed(_logger, basic.Username, remote, "locked out after repeated failures");
            return new EstError(EstErrorKind.TooManyRequests, $"too many failed logins for this user from this address; try again in {Math.Ceiling(wait.TotalSeconds)} s", wait);
        }

        var account = await _store.FindAccountAsync(basic.Username, cancellationToken);
        if (account is null || !account.Enabled)
        {
            // The same work as a wrong password for a known user: the answer's timing must not tell which names exist.
            _hasher.SpendVerificationTime(basic.Password);
        }

        if (account is null || !account.Enabled || !_hasher.Verify(account.Username, basic.Password, account.PasswordHash))
        {
            await _throttle.FailedAsync(basic.Username, remote, cancellationToken);
            LogBasicFailed(_logger, basic.Username, remote, account is null ? "unknown user" : account.Enabled ? "wrong password" : "account disabled");
            return EstError.Unauthorized("wrong user name or password");
        }

        await _throttle.SucceededAsync(basic.Username, remote, check, cancellationToken);

        return EstResult<EstPrincipal>.Ok(EstPrincipal.ForAccount(account.Username));
    }

    [LoggerMessage(EventId = EstuaryEventId.BasicAuthenticationFailed, Level = LogLevel.Warning, Message = "HTTP Basic authentication failed for user {Username} from {Remote}: {Reason}")]
    private static partial void LogBasicFailed(ILogger logger, string username, string remote, string reason);
}
