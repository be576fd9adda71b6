using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Hosting;

namespace Estuary.Server;

/// <summary>
/// Keeps <c>estuary_pending_approvals</c> current: counted from the approval queue when /metrics is scraped,
/// so that on PostgreSQL every node reports the shared queue (requests held and decided through any node),
/// and a request that outlived Estuary:PendingRequestLifetime no longer counts (RFC 7030 §4.2.3).
/// </summary>
internal sealed class PendingApprovalsMetric(EstMetrics metrics, ApprovalQueue queue) : IHostedService
{
    /// <summary>More held requests than this are reported as this many (a scrape must stay cheap).</summary>
    private const int MaxCounted = 10_000;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        metrics.Registry.AddBeforeCollectCallback(async ct =>
        {
            try
            {
                var pending = await queue.ListAsync(PendingRequestStatus.Pending, MaxCounted, ct);
                metrics.SetPendingApprovals(pending.Count(r => !queue.IsExpired(r)));
            }
            catch (StorageUnavailableException)
            {
                // Keep the last value; /readyz reports the database.
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
