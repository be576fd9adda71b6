using Estuary.Admin.Services;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin;

/// <summary>The dashboard: issuance per day, what expires soon, pending approvals and why requests fail.</summary>
public sealed class IndexModel(IEstuaryStore store, IManagementStore management, ApprovalQueue approvals, CertificateTotal total, TimeProvider time) : PageModel
{
    private static readonly Dictionary<string, string> Reasons = new(StringComparer.Ordinal)
    {
        ["est.refused.authentication"] = "wrong credentials",
        ["est.refused.authorization"] = "template not allowed",
        ["est.refused.policy"] = "CSR refused by policy",
    };

    public long Total { get; private set; }

    /// <summary>When <see cref="Total"/> was counted, shown when it is not from this request (a slow count is cached).</summary>
    public DateTimeOffset TotalCountedAt { get; private set; }

    public bool TotalIsCached { get; private set; }

    public int IssuedLast30 { get; private set; }

    public IReadOnlyList<(DateOnly Day, int Count)> PerDay { get; private set; } = [];

    /// <summary>Unrevoked certificates whose notAfter falls in the next 30 days (the same count as /metrics' gauge).</summary>
    public long ExpiringCount { get; private set; }

    /// <summary>Held enrollments still waiting for a decision (RFC 7030 §4.2.3), expired ones not counted.</summary>
    public int PendingApprovals { get; private set; }

    public int FailuresTotal { get; private set; }

    public IReadOnlyList<(string Label, int Count)> FailuresByReason { get; private set; } = [];

    public IReadOnlyList<(string Label, int Count)> ByLabel { get; private set; } = [];

    public IReadOnlyList<CertificateRecord> Latest { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var from = today.AddDays(-29);
        var since = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        (Total, TotalCountedAt) = await total.GetAsync(ct);
        TotalIsCached = TotalCountedAt < now;
        PendingApprovals = (await approvals.ListAsync(PendingRequestStatus.Pending, 10_000, ct)).Count(r => !approvals.IsExpired(r));
        // Both charts from one read of the (issued_at, label) index.
        var issued = await management.CountIssuedAsync(since, ct);
        var perDay = issued.GroupBy(i => i.Day).ToDictionary(g => g.Key, g => g.Sum(i => i.Count));
        PerDay = Enumerable.Range(0, 30).Select(i => from.AddDays(i)).Select(d => (d, perDay.GetValueOrDefault(d))).ToList();
        IssuedLast30 = PerDay.Sum(d => d.Count);
        // Counted from an index, exact beyond 1,000 (it used to load up to 1,000 whole certificates to count them).
        ExpiringCount = await store.CountCertificatesExpiringAsync(now, now.AddDays(30), ct);
        var failures = await management.SearchAuditAsync(new AuditQuery { KindPrefix = "est.refused", Since = now.AddDays(-7), Limit = 10_000 }, ct);
        FailuresTotal = failures.Count;
        FailuresByReason = failures.GroupBy(f => Reasons.GetValueOrDefault(f.Kind, f.Kind))
            .Select(g => (g.Key, g.Count())).OrderByDescending(g => g.Item2).ToList();
        // Counted from an index, not from 10,000 loaded records (and right beyond 10,000 a month): docs/BENCHMARKS.md.
        var perLabel = issued.GroupBy(i => i.Label, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.Sum(i => i.Count), StringComparer.Ordinal);
        ByLabel = perLabel.Select(l => (l.Key.Length == 0 ? "default" : l.Key, l.Value)).OrderByDescending(g => g.Item2).Take(8).ToList();
        Latest = await management.SearchCertificatesAsync(new CertificateQuery { IssuedSince = since, Now = now, Limit = 10 }, ct);
    }
}
