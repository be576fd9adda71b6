using System.Net;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>/metrics reports the requests held for approval (RFC 7030 §4.2.3) as estuary_pending_approvals.</summary>
public sealed class PendingApprovalsMetricTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held:RequireApproval"] = "true",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private async Task<string> MetricsAsync()
    {
        using var anonymous = _server.CreateAdminClient();
        return await anonymous.GetStringAsync("/metrics");
    }

    [Fact]
    public async Task Held_requests_count_until_they_are_decided()
    {
        using var client = _server.CreateClient(basicAuth: true);
        foreach (var subject in new[] { "CN=held-a", "CN=held-b" })
        {
            using var key = TestCsr.NewP256();
            using var response = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create(subject, key)));
            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        }

        Assert.Contains("estuary_pending_approvals 2\n", await MetricsAsync(), StringComparison.Ordinal);

        var queue = _server.GetRequiredService<ApprovalQueue>();
        var held = await queue.ListAsync(PendingRequestStatus.Pending, 10, default);
        Assert.True((await queue.ApproveAsync(held[0].Id, "test", default)).IsSuccess);

        Assert.Contains("estuary_pending_approvals 1\n", await MetricsAsync(), StringComparison.Ordinal);
    }
}
