using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>`estuary approvals` deciding requests on the data folder of a running server.</summary>
public sealed class ApprovalsCommandTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held:RequireApproval"] = "true",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private static string Estuary => Path.Combine(AppContext.BaseDirectory, "estuary.dll");

    private Task<(int ExitCode, string Output)> ApprovalsAsync(string arguments) =>
        Processes.RunAsync("dotnet", $"{Estuary} approvals {arguments} --data-dir {_server.DataDir}");

    [Fact]
    public async Task List_approve_and_reject_decide_what_the_client_gets_on_its_next_repeat()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var approvedKey = TestCsr.NewP256();
        using var rejectedKey = TestCsr.NewP256();
        (await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=cli-approved", approvedKey)))).Dispose();
        (await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=cli-rejected", rejectedKey)))).Dispose();

        var (code, list) = await ApprovalsAsync("list");
        Assert.True(code == 0, list);
        var lines = list.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var approvedId = lines.Single(l => l.Contains("CN=cli-approved", StringComparison.Ordinal)).Trim().Split(' ')[0];
        var rejectedId = lines.Single(l => l.Contains("CN=cli-rejected", StringComparison.Ordinal)).Trim().Split(' ')[0];
        Assert.Contains("pending", list, StringComparison.Ordinal);

        var (approveCode, approveText) = await ApprovalsAsync($"approve {approvedId}");
        Assert.True(approveCode == 0, approveText);
        Assert.Contains("approved", approveText, StringComparison.Ordinal);
        var (rejectCode, rejectText) = await ApprovalsAsync($"reject {rejectedId} --reason not-ours");
        Assert.True(rejectCode == 0, rejectText);
        var (againCode, againText) = await ApprovalsAsync($"approve {rejectedId}");
        Assert.Equal(1, againCode);
        Assert.Contains("rejected, not pending", againText, StringComparison.Ordinal);

        using var approved = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=cli-approved", approvedKey)));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("CN=cli-approved", Assert.Single(await EstWire.ReadCertsAsync(approved)).Subject);
        using var rejected = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=cli-rejected", rejectedKey)));
        Assert.Equal(HttpStatusCode.Forbidden, rejected.StatusCode);
        Assert.Contains("not-ours", await rejected.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        var (_, all) = await ApprovalsAsync("list --all");
        Assert.Contains("issued", all, StringComparison.Ordinal);
        Assert.Contains("rejected", all, StringComparison.Ordinal);
        var (_, pendingOnly) = await ApprovalsAsync("list");
        Assert.Contains("no pending requests", pendingOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reject_without_a_reason_is_refused_by_the_parser()
    {
        var (code, text) = await ApprovalsAsync("reject 1");
        Assert.NotEqual(0, code);
        Assert.Contains("--reason", text, StringComparison.Ordinal);
    }
}
