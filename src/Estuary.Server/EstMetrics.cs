using Estuary.Storage;
using Prometheus;

namespace Estuary.Server;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (several servers may share a process in
/// tests). Counting on the request path is a lock-free increment; the expiring-certificates gauge is
/// queried only when /metrics is scraped.
/// </summary>
public sealed class EstMetrics
{
    /// <summary>The window of <c>estuary_certificates_expiring</c>.</summary>
    public static readonly TimeSpan ExpiryWindow = TimeSpan.FromDays(30);

    private readonly Counter _enrollments;
    private readonly Histogram _duration;
    private readonly Gauge _pendingApprovals;
    private readonly Gauge _expiring;

    public EstMetrics(IEstuaryStore store, TimeProvider time)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _enrollments = factory.CreateCounter(
            "estuary_enrollments_total",
            "Enrollment requests (simpleenroll, simplereenroll, …) by operation, CA label and outcome (issued, pending, denied, rejected, unavailable, error).",
            ["operation", "label", "outcome"]);
        _duration = factory.CreateHistogram(
            "estuary_request_duration_seconds",
            "Time to answer an EST request, from routing to the last byte written, by operation.",
            ["operation"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00025, 2, 16) });
        _pendingApprovals = factory.CreateGauge("estuary_pending_approvals", "Enrollment requests waiting for manual approval.");
        _expiring = factory.CreateGauge("estuary_certificates_expiring", "Unrevoked certificates that expire within the next 30 days.");
        _pendingApprovals.Set(0);
        Registry.AddBeforeCollectCallback(async cancellationToken =>
        {
            try
            {
                var now = time.GetUtcNow();
                _expiring.Set(await store.CountCertificatesExpiringAsync(now, now + ExpiryWindow, cancellationToken));
            }
            catch (StorageUnavailableException)
            {
                // Keep the last value; /readyz reports the database.
            }
        });
    }

    public CollectorRegistry Registry { get; }

    /// <summary>Pending approvals, for the approval workflow to keep current.</summary>
    public void SetPendingApprovals(long count) => _pendingApprovals.Set(count);

    public void ObserveRequest(string operation, double seconds) => _duration.WithLabels(operation).Observe(seconds);

    public void CountEnrollment(string operation, string label, string outcome) => _enrollments.WithLabels(operation, label, outcome).Inc();
}
