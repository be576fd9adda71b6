using Estuary.Ra;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Estuary.Server;

/// <summary>
/// Re-signs the CRL when storage shows revocations made elsewhere (the CLI, another node) and before it
/// expires, checking every Estuary:Revocation:RecheckInterval.
/// </summary>
public sealed partial class RevocationRefreshService(CrlPublisher publisher, RevocationOptions options, TimeProvider time, ILogger<RevocationRefreshService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.RecheckInterval, time);
        do
        {
            try
            {
                await publisher.RefreshAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogRefreshFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Error, Message = "re-signing the CRL failed; the previous one is served until the next try")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}
