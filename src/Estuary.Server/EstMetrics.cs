using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Storage;
using Prometheus;

namespace Estuary.Server;

/// <summary>
/// The server's Prometheus metrics, in a registry of its own (several servers may share a process in
/// tests). Counting on the request path is a lock-free increment; the gauges of expiring certificates and of
/// the CA certificates' remaining lifetime are computed only when /metrics is scraped.
/// </summary>
public sealed class EstMetrics
{
    /// <summary>The window of <c>estuary_certificates_expiring</c>.</summary>
    public static readonly TimeSpan ExpiryWindow = TimeSpan.FromDays(30);

    private readonly Counter _enrollments;
    private readonly Histogram _duration;
    private readonly Gauge _pendingApprovals;
    private readonly Gauge _expiring;
    private readonly Gauge _caExpiry;

    public EstMetrics(IEstuaryStore store, TimeProvider time, CaMaterial material)
    {
        Registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(Registry);
        _enrollments = factory.CreateCounter(
            "estuary_enrollments_total",
            "Enrollment requests (simpleenroll, simplereenroll, …) by operation, CA label and outcome (issued, pending, challenge, denied, rejected, unavailable, error); challenge is the 401 that asks a client without credentials for them.",
            ["operation", "label", "outcome"]);
        _duration = factory.CreateHistogram(
            "estuary_request_duration_seconds",
            "Time to answer an EST request, from routing to the last byte written, by operation.",
            ["operation"],
            new HistogramConfiguration { Buckets = Histogram.ExponentialBuckets(0.00025, 2, 16) });
        _pendingApprovals = factory.CreateGauge("estuary_pending_approvals", "Enrollment requests waiting for manual approval.");
        _expiring = factory.CreateGauge("estuary_certificates_expiring", "Unrevoked certificates that expire within the next 30 days.");
        _caExpiry = factory.CreateGauge(
            "estuary_ca_certificate_expiry_seconds",
            "Seconds until each CA certificate in use expires (negative once expired), by role (root, issuing), subject and key_id (the hex key identifier of the CRL URLs).",
            ["role", "subject", "key_id"]);
        _pendingApprovals.Set(0);
        Registry.AddBeforeCollectCallback(() => SetCaExpiry(material, time.GetUtcNow()));
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

    /// <summary>
    /// The CA certificates in use: the root (and a new root during a rollover, RFC 7030 §4.1.3) and every issuing
    /// CA generation the server still signs CRLs and OCSP answers for. A generation retired since the last scrape
    /// disappears from the gauge rather than keeping its last value.
    /// </summary>
    private void SetCaExpiry(CaMaterial material, DateTimeOffset now)
    {
        var current = new List<(string Role, X509Certificate2 Certificate)> { ("root", material.Root) };
        current.AddRange(material.Issuing.Generations.Select(g => ("issuing", g.Certificate)));
        if (material.Rollover is { } rollover)
        {
            current.Add(("root", rollover.NewRoot));
            current.Add(("issuing", rollover.NewIssuing.Certificate));
        }

        var published = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (role, certificate) in current)
        {
            var keyId = Convert.ToHexString(CertificateWriter.KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
            _caExpiry.WithLabels(role, certificate.Subject, keyId).Set((new DateTimeOffset(certificate.NotAfter.ToUniversalTime()) - now).TotalSeconds);
            published.Add(string.Join('\0', role, certificate.Subject, keyId));
        }

        foreach (var labels in _caExpiry.GetAllLabelValues().Where(l => !published.Contains(string.Join('\0', l))).ToList())
        {
            _caExpiry.RemoveLabelled(labels);
        }
    }

    /// <summary>Pending approvals, for the approval workflow to keep current.</summary>
    public void SetPendingApprovals(long count) => _pendingApprovals.Set(count);

    public void ObserveRequest(string operation, double seconds) => _duration.WithLabels(operation).Observe(seconds);

    public void CountEnrollment(string operation, string label, string outcome) => _enrollments.WithLabels(operation, label, outcome).Inc();
}
