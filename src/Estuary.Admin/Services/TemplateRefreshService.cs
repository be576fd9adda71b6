using System.Security.Cryptography;
using System.Text;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Estuary.Admin;

/// <summary>
/// Several nodes share one PostgreSQL database: a template or adapter saved through one node must come into force on
/// the others without a restart. The node that saves republishes at once (<see cref="TemplateService"/>);
/// every node also reads the stored templates every <see cref="AdminOptions.TemplateRefreshInterval"/> and
/// republishes when their fingerprint changed, so another node's change applies within that interval.
/// Polling a handful of small rows costs less than a dedicated LISTEN connection per node and works the same
/// on SQLite (where the file could be changed by another process).
/// </summary>
public sealed partial class TemplateRefreshService(IManagementStore store, TemplateService templates, AdapterService adapters, AdminOptions options, TimeProvider time, ILogger<TemplateRefreshService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.TemplateRefreshInterval <= TimeSpan.Zero)
        {
            return;
        }

        string? seen = null;
        using var timer = new PeriodicTimer(options.TemplateRefreshInterval, time);
        do
        {
            try
            {
                // Adapters first: a template saved on another node may name an adapter created with it.
                var fingerprint = Fingerprint(await store.ListAdaptersAsync(stoppingToken)) + Fingerprint(await store.ListTemplatesAsync(stoppingToken));
                if (seen is not null && fingerprint != seen)
                {
                    await adapters.LoadAsync(stoppingToken);
                    await templates.LoadAsync(stoppingToken);
                    LogReloaded(logger);
                }

                seen = fingerprint;
            }
            catch (StorageUnavailableException e)
            {
                // Keep serving the templates in force; the next tick tries again (/readyz reports the database).
                LogUnavailable(logger, e.Message);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    private static string Fingerprint(IReadOnlyList<StoredDefinition> stored)
    {
        var text = new StringBuilder();
        foreach (var s in stored)
        {
            text.Append(s.Name).Append('\0').Append(s.Json).Append('\0').Append(s.UpdatedAt.ToUnixTimeMilliseconds()).Append('\n');
        }

        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }

    [LoggerMessage(EventId = EstuaryEventId.TemplatesReloaded, Level = LogLevel.Information, Message = "stored templates or adapters changed (another node or process); labels republished")]
    private static partial void LogReloaded(ILogger logger);

    [LoggerMessage(EventId = EstuaryEventId.TemplateReloadUnavailable, Level = LogLevel.Warning, Message = "could not check stored templates and adapters for changes: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
