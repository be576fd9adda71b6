using Estuary.Ra;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Estuary.Server;

/// <summary>
/// Re-signs the CRL when storage shows revocations made elsewhere (the CLI, another node) and before it
/// expires, and reissues the OCSP responder certificate when due, checking every Estuary:Revocation:RecheckInterval.
/// </summary>
public sealed partial class RevocationRefreshService(CrlPublisher publisher, OcspService ocsp, RevocationOptions options, TimeProvider time, ILogger<RevocationRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The host waits for ExecuteAsync to reach its first incomplete await, and SQLite reads complete synchronously:
        // without this the first CRL (seconds with 100,000 revocations) would be signed before the server listens.
        await Task.Yield();
        using var timer = new PeriodicTimer(options.RecheckInterval, time);
        do
        {
            try
            {
                await publisher.RefreshAsync(stoppingToken);
                ocsp.RenewSignerIfDue();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = EstuaryEventId.RevocationRefreshFailed, Level = LogLevel.Error, Message = "re-signing the CRL or renewing the OCSP responder failed; the previous one is used until the next try")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
