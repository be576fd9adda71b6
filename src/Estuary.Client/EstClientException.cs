using System.Net;

namespace Estuary.Client;

/// <summary>An EST operation failed. <see cref="ServerReason"/> is the server's own text when it gave one.</summary>
public sealed class EstClientException : Exception
{
    public EstClientException()
    {
    }

    public EstClientException(string message)
        : base(message)
    {
    }

    public EstClientException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EstClientException(EstClientErrorKind kind, string message, HttpStatusCode? statusCode = null, string? serverReason = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        StatusCode = statusCode;
        ServerReason = serverReason;
    }

    public EstClientErrorKind Kind { get; } = EstClientErrorKind.Protocol;

    /// <summary>The HTTP status the server answered with, when it answered.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>The text of the server's error body (trimmed, bounded), when there was one.</summary>
    public string? ServerReason { get; }

    /// <summary>The server's Retry-After when it answered 202 (RFC 7030 §4.2.3) or 503, else null.</summary>
    public TimeSpan? RetryAfter { get; init; }
}
