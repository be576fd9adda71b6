using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Estuary.Server;

/// <summary>
/// Deletes full token buckets and expired failed-login counts from the shared tables every
/// <see cref="EstRateLimiting.PurgeInterval"/>, so that the tables hold only the keys active in the last few seconds
/// (minutes for lockouts). Every node runs it; the deletes are idempotent.
/// </summary>
public sealed partial class SharedLimitsPurgeService(ILimitStore store, TimeProvider time, ILogger<SharedLimitsPurgeService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(EstRateLimiting.PurgeInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.PurgeLimitsAsync(stoppingToken);
            }
            catch (StorageUnavailableException e)
            {
                LogPurgeFailed(logger, e.Message);
            }
        }
    }

    [LoggerMessage(EventId = EstuaryEventId.SharedLimitsPurgeFailed, Level = LogLevel.Warning, Message = "purging the shared rate-limit tables failed ({Reason}); the next try is in a minute")]
    private static partial void LogPurgeFailed(ILogger logger, string reason);
}
