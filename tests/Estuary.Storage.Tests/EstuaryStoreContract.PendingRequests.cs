using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>Held requests, for every store: a request is decided once and issued once.</summary>
public abstract partial class EstuaryStoreContract
{
    private static readonly DateTimeOffset HeldAt = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PendingRequest Request(string key) => new()
    {
        RequestKey = key,
        Label = "held",
        Requester = "basic:est",
        Operation = "simpleenroll",
        Csr = [0x30, 0x00],
        Subject = "CN=x",
        CreatedAt = HeldAt,
        Status = PendingRequestStatus.Pending,
    };

    private static CertificateRecord HeldCertificate(string serial) => new()
    {
        Serial = serial,
        Subject = "CN=x",
        SubjectAltNames = "",
        Issuer = "CN=ca",
        NotBefore = HeldAt,
        NotAfter = HeldAt.AddDays(1),
        RequestedBy = "basic:est",
        Label = "held",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = HeldAt,
    };

    private static AuditEvent HeldAudit(string kind, string detail = "detail") => new(HeldAt, kind, "test", detail);

    [Fact]
    public async Task A_held_request_reads_back_with_every_field_intact()
    {
        var store = await OpenAsync();
        var request = Request("K0") with { Replaces = "FF01", Csr = [0x30, 0x03, 0x02, 0x01, 0x07] };
        var id = await store.InsertPendingRequestAsync(request, HeldAudit("request.pending"), default);

        var found = await store.FindPendingRequestAsync(id, default);
        Assert.NotNull(found);
        Assert.Equal(request with { Id = id, Csr = found.Csr }, found);
        Assert.Equal(request.Csr, found.Csr);
        Assert.Null(await store.FindPendingRequestAsync(id + 1000, default));
        Assert.Null(await store.FindLatestPendingRequestAsync("unknown", default));
    }

    [Fact]
    public async Task An_approved_request_completes_once_and_a_second_completion_records_nothing()
    {
        var store = await OpenAsync();
        var id = await store.InsertPendingRequestAsync(Request("K1"), HeldAudit("request.pending"), default);
        Assert.True(await store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Approved, null, "admin", HeldAt, HeldAudit("request.approved"), default));
        Assert.False(await store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Rejected, "late", "admin", HeldAt, HeldAudit("request.rejected"), default));

        Assert.True(await store.CompletePendingRequestAsync(id, HeldCertificate("AA01"), HeldAudit("certificate.issued"), default));
        Assert.False(await store.CompletePendingRequestAsync(id, HeldCertificate("AA02"), HeldAudit("certificate.issued"), default));

        var request = await store.FindPendingRequestAsync(id, default);
        Assert.Equal(PendingRequestStatus.Issued, request!.Status);
        Assert.Equal("AA01", request.IssuedSerial);
        Assert.Equal("admin", request.DecidedBy);
        Assert.Equal(HeldAt, request.DecidedAt);
        Assert.NotNull(await store.FindCertificateAsync("AA01", default));
        Assert.Null(await store.FindCertificateAsync("AA02", default));
        var audit = await store.ListAuditAsync(10, default);
        Assert.Single(audit, a => a.Kind == "certificate.issued");
        Assert.DoesNotContain(audit, a => a.Kind == "request.rejected");
    }

    [Fact]
    public async Task A_pending_request_cannot_be_completed_and_the_latest_request_of_a_key_is_found()
    {
        var store = await OpenAsync();
        var first = await store.InsertPendingRequestAsync(Request("K2"), HeldAudit("request.pending"), default);
        Assert.False(await store.CompletePendingRequestAsync(first, HeldCertificate("BB01"), HeldAudit("certificate.issued"), default));
        Assert.Null(await store.FindCertificateAsync("BB01", default));

        Assert.True(await store.DecidePendingRequestAsync(first, PendingRequestStatus.Pending, PendingRequestStatus.Expired, "not decided in time", "system", HeldAt, HeldAudit("request.expired"), default));
        var second = await store.InsertPendingRequestAsync(Request("K2"), HeldAudit("request.pending"), default);

        Assert.Equal(second, (await store.FindLatestPendingRequestAsync("K2", default))!.Id);
        Assert.Single(await store.ListPendingRequestsAsync(PendingRequestStatus.Pending, 10, default), r => r.Id == second);
        Assert.Equal([second, first], (await store.ListPendingRequestsAsync(null, 10, default)).Select(r => r.Id));
        Assert.Single(await store.ListPendingRequestsAsync(null, 1, default));
        Assert.Equal("not decided in time", (await store.FindPendingRequestAsync(first, default))!.Reason);
        Assert.Contains(await store.ListAuditAsync(10, default), a => a.Kind == "request.pending" && a.Detail.StartsWith($"request {second}:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Completing_with_a_recorded_serial_is_refused_and_records_nothing()
    {
        var store = await OpenAsync();
        await store.InsertCertificateAsync(HeldCertificate("DD01"), HeldAudit("certificate.issued", "the first"), default);
        var id = await store.InsertPendingRequestAsync(Request("K3"), HeldAudit("request.pending"), default);
        Assert.True(await store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Approved, null, "admin", HeldAt, HeldAudit("request.approved"), default));

        await Assert.ThrowsAsync<DuplicateSerialException>(() => store.CompletePendingRequestAsync(id, HeldCertificate("DD01"), HeldAudit("certificate.issued", "the duplicate"), default));

        Assert.Equal(PendingRequestStatus.Approved, (await store.FindPendingRequestAsync(id, default))!.Status);
        Assert.DoesNotContain(await store.ListAuditAsync(10, default), a => a.Detail == "the duplicate");
        Assert.True(await store.CompletePendingRequestAsync(id, HeldCertificate("DD02"), HeldAudit("certificate.issued"), default));
    }

    [Fact]
    public async Task Concurrent_completions_of_one_request_issue_once()
    {
        var store = await OpenAsync();
        var id = await store.InsertPendingRequestAsync(Request("K4"), HeldAudit("request.pending"), default);
        Assert.True(await store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Approved, null, "admin", HeldAt, HeldAudit("request.approved"), default));

        var results = await Task.WhenAll(Enumerable.Range(0, 6).Select(i =>
            store.CompletePendingRequestAsync(id, HeldCertificate("EE0" + i), HeldAudit("certificate.issued"), default)));

        Assert.Single(results, r => r);
        Assert.Equal(1, await store.CountCertificatesAsync(default));
    }
}
