using System.Diagnostics;

namespace Estuary.Cli.Client;

/// <summary>
/// Runs the --deploy-hook command after a renewal through /bin/sh -c (like certbot's deploy hooks), with the
/// renewed files in the environment: ESTUARY_NAME, ESTUARY_CERT, ESTUARY_KEY, ESTUARY_CHAIN.
/// </summary>
internal static class DeployHook
{
    public static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);

    public static async Task<(int ExitCode, string Output)> RunAsync(string command, RenewedCertificate certificate, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(OperatingSystem.IsWindows() ? "cmd.exe" : "/bin/sh")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(OperatingSystem.IsWindows() ? "/c" : "-c");
        start.ArgumentList.Add(command);
        start.Environment["ESTUARY_NAME"] = certificate.Name;
        start.Environment["ESTUARY_CERT"] = certificate.Cert;
        start.Environment["ESTUARY_KEY"] = certificate.Key;
        start.Environment["ESTUARY_CHAIN"] = certificate.Chain ?? "";
        using var process = Process.Start(start) ?? throw new IOException("cannot start /bin/sh for the deploy hook");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(Limit);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new IOException($"the deploy hook did not finish within {Limit.TotalMinutes:0} minutes and was stopped");
        }
        catch (OperationCanceledException)
        {
            // Stopped from outside (Ctrl+C, SIGTERM): let the hook finish its own shutdown, do not wait for it.
            throw;
        }

        return (process.ExitCode, (await stdout + await stderr).Trim());
    }
}
