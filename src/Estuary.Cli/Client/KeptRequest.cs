using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>
/// Sending a request that is kept in <see cref="PendingEnrollment"/>, and finishing it: what each outcome does
/// with the kept key and CSR. Shared by enroll, serverkeygen and fullcmc.
/// </summary>
internal static class KeptRequest
{
    /// <summary>
    /// Sends; on 202 beyond --max-wait exits 5 naming the folder that keeps the request; on a final refusal
    /// (4xx) forgets the request, since repeating it would only be refused again; on anything else (network,
    /// timeout, 5xx) keeps it and says so.
    /// </summary>
    public static async Task<T> SendAsync<T>(PendingEnrollment pending, Func<Task<T>> send)
    {
        try
        {
            return await send();
        }
        catch (EstClientException e) when (e.Kind == EstClientErrorKind.PendingTimeout)
        {
            throw new CliFailure(
                ExitCodes.PendingTimeout,
                e.Kind.ToString(),
                $"{UsageErrors.Plain(e.Message)}. The key and the request are kept in {pending.Folder} (mode 0600); running the same command again repeats that request and collects the certificate once it is approved",
                "run the same command again once the CA operator has approved the request, or raise --max-wait SECONDS",
                Details(pending),
                e);
        }
        catch (EstClientException e) when (IsFinalRefusal(e))
        {
            pending.Remove();
            throw;
        }
        catch (EstClientException e)
        {
            throw new CliFailure(
                ExitCodes.Of(e.Kind),
                e.Kind.ToString(),
                $"{UsageErrors.Plain(e.Message)}; the key and the request are kept in {pending.Folder} and the same command repeats them",
                ExitCodes.Hint(e),
                Details(pending),
                e);
        }
    }

    /// <summary>A 4xx other than 408 and 429: the server decided; the same request would be refused again.</summary>
    public static bool IsFinalRefusal(EstClientException e) =>
        e.Kind == EstClientErrorKind.Refused && e.StatusCode is { } status && (int)status is >= 400 and < 500 && status is not (HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests);

    /// <summary>The certificate is saved: forget the request; when it went to the fallback folder, exit 8 saying where.</summary>
    public static int Finish(ClientConsole console, string done, PendingEnrollment pending, OutputFiles.Saved saved, KeySpec spec, X509Certificate2 certificate, CsrAttributesInfo? attributes)
    {
        pending.Remove();
        if (saved.FallbackFolder is { } folder)
        {
            throw new CliFailure(
                ExitCodes.SavedElsewhere,
                "file",
                $"the certificate was issued but could not be written where asked ({UsageErrors.Plain(saved.FallbackReason!)}); the certificate, its chain and its key were saved to {folder} instead",
                "move the files from that folder to where they belong (key.pem is the private key, mode 0600)",
                new Dictionary<string, object?> { ["fallback"] = folder, ["files"] = saved.Files, ["certificate"] = CertificateView.ToJson(certificate) });
        }

        return EnrollCommand.Report(console, done, spec, certificate, saved.Files, attributes);
    }

    private static Dictionary<string, object?> Details(PendingEnrollment pending) => new() { ["pending"] = pending.Folder };
}
