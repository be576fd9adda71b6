namespace Estuary.Ra;

/// <summary>The ways an EST request can fail, mapped to HTTP in one place at the web edge.</summary>
public enum EstErrorKind
{
    /// <summary>400: the request is malformed or asks for what the profile does not allow.</summary>
    BadRequest,

    /// <summary>401: no credentials, or wrong ones.</summary>
    Unauthorized,

    /// <summary>403: authenticated, but not allowed to do this.</summary>
    Forbidden,

    /// <summary>404: unknown CA label.</summary>
    NotFound,

    /// <summary>413: the body is larger than the configured limit.</summary>
    PayloadTooLarge,

    /// <summary>415: the Content-Type is not the one the operation takes.</summary>
    UnsupportedMediaType,

    /// <summary>429 + Retry-After: too many requests or failed logins from this client.</summary>
    TooManyRequests,

    /// <summary>202 + Retry-After: accepted, waiting for approval (RFC 7030 §4.2.3).</summary>
    Pending,

    /// <summary>503 + Retry-After: storage or the CA key is unavailable; nothing was issued.</summary>
    Unavailable,

    /// <summary>502: an upstream EST server (RA proxy mode) failed or refused the adapter; the reason names it.</summary>
    BadGateway,
}

/// <summary>One failed request: its kind and a reason that is safe to show the client.</summary>
public sealed record EstError(EstErrorKind Kind, string Message, TimeSpan? RetryAfter = null)
{
    public static EstError BadRequest(string message) => new(EstErrorKind.BadRequest, message);

    public static EstError Unauthorized(string message) => new(EstErrorKind.Unauthorized, message);

    public static EstError Forbidden(string message) => new(EstErrorKind.Forbidden, message);

    public static EstError NotFound(string message) => new(EstErrorKind.NotFound, message);
}

/// <summary>A value or an <see cref="EstError"/>.</summary>
public readonly record struct EstResult<T>(T? Value, EstError? Error)
{
    public bool IsSuccess => Error is null;

    public static implicit operator EstResult<T>(EstError error) => new(default, error);

    public static EstResult<T> Ok(T value) => new(value, null);
}
