using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>Held requests in a real SQLite file: a request is decided once and issued once.</summary>
public sealed class PendingRequestStoreTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "estuary-pending-" + Guid.NewGuid().ToString("N")[..12] + ".db");
    private SqliteStore _store = null!;

    public async Task InitializeAsync() => _store = await SqliteStore.OpenAsync(_path);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    private static readonly DateTimeOffset Now = new(2027, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static PendingRequest Request(string key) => new()
    {
        RequestKey = key,
        Label = "held",
        Requester = "basic:est",
        Operation = "simpleenroll",
        Csr = [0x30, 0x00],
        Subject = "CN=x",
        CreatedAt = Now,
        Status = PendingRequestStatus.Pending,
    };

    private static CertificateRecord Certificate(string serial) => new()
    {
        Serial = serial,
        Subject = "CN=x",
        SubjectAltNames = "",
        Issuer = "CN=ca",
        NotBefore = Now,
        NotAfter = Now.AddDays(1),
        RequestedBy = "basic:est",
        Label = "held",
        Operation = "simpleenroll",
        Der = [0x30, 0x00],
        IssuedAt = Now,
    };

    private static AuditEvent Audit(string kind) => new(Now, kind, "test", "detail");

    [Fact]
    public async Task An_approved_request_completes_once_and_a_second_completion_records_nothing()
    {
        var id = await _store.InsertPendingRequestAsync(Request("K1"), Audit("request.pending"), default);
        Assert.True(await _store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Approved, null, "admin", Now, Audit("request.approved"), default));
        Assert.False(await _store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Rejected, "late", "admin", Now, Audit("request.rejected"), default));

        Assert.True(await _store.CompletePendingRequestAsync(id, Certificate("AA01"), Audit("certificate.issued"), default));
        Assert.False(await _store.CompletePendingRequestAsync(id, Certificate("AA02"), Audit("certificate.issued"), default));

        var request = await _store.FindPendingRequestAsync(id, default);
        Assert.Equal(PendingRequestStatus.Issued, request!.Status);
        Assert.Equal("AA01", request.IssuedSerial);
        Assert.Equal("admin", request.DecidedBy);
        Assert.NotNull(await _store.FindCertificateAsync("AA01", default));
        Assert.Null(await _store.FindCertificateAsync("AA02", default));
    }

    [Fact]
    public async Task A_pending_request_cannot_be_completed_and_the_latest_request_of_a_key_is_found()
    {
        var first = await _store.InsertPendingRequestAsync(Request("K2"), Audit("request.pending"), default);
        Assert.False(await _store.CompletePendingRequestAsync(first, Certificate("BB01"), Audit("certificate.issued"), default));
        Assert.Null(await _store.FindCertificateAsync("BB01", default));

        Assert.True(await _store.DecidePendingRequestAsync(first, PendingRequestStatus.Pending, PendingRequestStatus.Expired, "not decided in time", "system", Now, Audit("request.expired"), default));
        var second = await _store.InsertPendingRequestAsync(Request("K2"), Audit("request.pending"), default);

        Assert.Equal(second, (await _store.FindLatestPendingRequestAsync("K2", default))!.Id);
        Assert.Single(await _store.ListPendingRequestsAsync(PendingRequestStatus.Pending, 10, default), r => r.Id == second);
        Assert.Equal(2, (await _store.ListPendingRequestsAsync(null, 10, default)).Count);
        Assert.Contains(await _store.ListAuditAsync(10, default), a => a.Kind == "request.pending" && a.Detail.StartsWith($"request {second}:", StringComparison.Ordinal));
    }
}
