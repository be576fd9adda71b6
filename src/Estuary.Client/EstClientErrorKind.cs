namespace Estuary.Client;

/// <summary>Why an EST operation failed, coarse enough for a caller to decide what to do next.</summary>
public enum EstClientErrorKind
{
    /// <summary>The server answered and refused (4xx/5xx other than 401): its reason is in the message.</summary>
    Refused,

    /// <summary>401: no or wrong credentials.</summary>
    Unauthorized,

    /// <summary>The server could not be authenticated: untrusted certificate, name mismatch, fingerprint mismatch.</summary>
    Trust,

    /// <summary>The server could not be reached, or the connection broke.</summary>
    Network,

    /// <summary>The server did not answer within the timeout.</summary>
    Timeout,

    /// <summary>The server kept answering 202 (RFC 7030 §4.2.3) beyond the allowed total wait.</summary>
    PendingTimeout,

    /// <summary>The server answered with something that is not RFC 7030 / RFC 8951.</summary>
    Protocol,
}
