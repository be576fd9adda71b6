using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>Exit codes of the client verbs (documented in docs/CLIENT.md).</summary>
internal static class ExitCodes
{
    public const int Ok = 0;
    public const int Refused = 1;
    public const int Usage = 2;
    public const int Trust = 3;
    public const int Network = 4;
    public const int PendingTimeout = 5;
    public const int InvalidAnswer = 6;
    public const int DeployHookFailed = 7;

    /// <summary>The certificate was issued but could not be written where asked; it and its key are in the reported fallback folder.</summary>
    public const int SavedElsewhere = 8;

    public static int Of(EstClientErrorKind kind) => kind switch
    {
        EstClientErrorKind.Refused or EstClientErrorKind.Unauthorized => Refused,
        EstClientErrorKind.Trust => Trust,
        EstClientErrorKind.Network or EstClientErrorKind.Timeout => Network,
        EstClientErrorKind.PendingTimeout => PendingTimeout,
        _ => InvalidAnswer,
    };

    /// <summary>What to do about an error, in one line.</summary>
    public static string? Hint(EstClientException e) => e.Kind switch
    {
        EstClientErrorKind.Trust when e.Message.Contains("bootstrap", StringComparison.Ordinal) => null,
        EstClientErrorKind.Trust => "the server certificate is not trusted: pass --cacert FILE (the CA's root certificate) or --trust-fingerprint SHA256 (the root's fingerprint, from the CA operator)",
        EstClientErrorKind.Unauthorized => "pass --user NAME and --password (or ESTUARY_PASSWORD), or --cert FILE --key FILE for a certificate the CA issued",
        EstClientErrorKind.Network => "check --server (https://HOST:PORT) and that the server is running and reachable",
        EstClientErrorKind.Timeout => "the server is slow or unreachable: check --server, or raise --timeout SECONDS",
        EstClientErrorKind.PendingTimeout => "raise --max-wait SECONDS, or run the same command again once the request is approved",
        _ => null,
    };
}
