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
    private readonly LoginThrottle _throttle;

    public EstAuthenticator(IEstuaryStore store, CertificateAuthority ca, PasswordHasher hasher, TimeProvider time, ILogger<EstAuthenticator> logger, LoginThrottle? throttle = null)
    {
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

    /// <summary>Accepts a certificate this CA signed, that storage knows, unexpired and not revoked.</summary>
    public async Task<EstResult<EstPrincipal>> AuthenticateCertificateAsync(X509Certificate2 certificate, CancellationToken cancellationToken)
    {
        if (!_ca.IssuedThis(certificate))
        {
            return EstError.Unauthorized("the TLS client certificate was not issued by this CA");
        }

        var serial = certificate.SerialNumber;
        var record = await _store.FindCertificateAsync(serial, cancellationToken);
        if (record is null)
        {
            return EstError.Forbidden("the TLS client certificate is not an end-entity certificate issued through EST");
        }

        if (record.RevokedAt is not null)
        {
            return EstError.Forbidden($"the TLS client certificate (serial {serial}) is revoked");
        }

        var now = _time.GetUtcNow();
        if (now > record.NotAfter || now < record.NotBefore)
        {
            return EstError.Forbidden($"the TLS client certificate (serial {serial}) is not valid now (valid {record.NotBefore:u} to {record.NotAfter:u})");
        }

        return EstResult<EstPrincipal>.Ok(new EstPrincipal(AuthenticationMethod.ClientCertificate, record.Subject, certificate, serial));
    }

    private async Task<EstResult<EstPrincipal>> AuthenticateBasicAsync(BasicCredentials basic, string remote, CancellationToken cancellationToken)
    {
        if (_throttle.LockedFor(basic.Username, remote) is { } wait)
        {
            LogBasicFailed(_logger, basic.Username, remote, "locked out after repeated failures");
            return new EstError(EstErrorKind.TooManyRequests, $"too many failed logins for this user from this address; try again in {Math.Ceiling(wait.TotalSeconds)} s", wait);
        }

        var account = await _store.FindAccountAsync(basic.Username, cancellationToken);
        if (account is null || !account.Enabled || !_hasher.Verify(account.Username, basic.Password, account.PasswordHash))
        {
            _throttle.Failed(basic.Username, remote);
            LogBasicFailed(_logger, basic.Username, remote, account is null ? "unknown user" : account.Enabled ? "wrong password" : "account disabled");
            return EstError.Unauthorized("wrong user name or password");
        }

        _throttle.Succeeded(basic.Username, remote);

        return EstResult<EstPrincipal>.Ok(new EstPrincipal(AuthenticationMethod.Basic, account.Username));
    }

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "HTTP Basic authentication failed for user {Username} from {Remote}: {Reason}")]
    private static partial void LogBasicFailed(ILogger logger, string username, string remote, string reason);
}
