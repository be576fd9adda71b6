using System.Net;
using System.Security.Cryptography.X509Certificates;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// `estuary approvals` and `estuary ca revoke` open storage through the factory `estuary serve` uses, bound from the
/// same sources (environment, --config, flags): against a server on PostgreSQL they see and change its rows, from a
/// machine whose data folder holds no database at all (issue 12 item 8).
/// </summary>
public sealed class StorageVerbsOnPostgresTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>, IAsyncLifetime
{
    private readonly TempDir _elsewhere = new();
    private EstuaryTestServer _server = null!;
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await cluster.CreateDatabaseAsync();
        _server = EstuaryTestServer.With(new Dictionary<string, string?>
        {
            ["Estuary:Storage:Provider"] = "postgres",
            ["Estuary:Storage:ConnectionString"] = _connectionString,
            ["Estuary:Labels:held:RequireApproval"] = "true",
        });
        await _server.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _elsewhere.Dispose();
    }

    /// <summary>The real `estuary` in a folder of its own, with an empty data folder: only PostgreSQL can answer.</summary>
    private Task<(int ExitCode, string Output)> EstuaryAsync(string arguments, IDictionary<string, string>? environment = null) =>
        Processes.RunAsync("dotnet", $"\"{EstuaryCli.DllPath}\" {arguments} --data-dir {_elsewhere["data"]}", environment, workingDirectory: _elsewhere.Path);

    [Fact]
    public async Task Approvals_list_and_approve_work_on_the_servers_PostgreSQL_rows_from_the_environment_and_from_a_config_file()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using (var held = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=pg-held", key))))
        {
            Assert.Equal(HttpStatusCode.Accepted, held.StatusCode);
        }

        var environment = new Dictionary<string, string>
        {
            ["Estuary__Storage__Provider"] = "postgres",
            ["Estuary__Storage__ConnectionString"] = _connectionString,
        };
        var (listCode, list) = await EstuaryAsync("approvals list", environment);
        Assert.True(listCode == 0, list);
        var id = list.Split('\n').Single(l => l.Contains("CN=pg-held", StringComparison.Ordinal)).Trim().Split(' ')[0];

        var config = _elsewhere["estuary.json"];
        await File.WriteAllTextAsync(config, $$"""{ "Estuary": { "Storage": { "Provider": "postgres", "ConnectionString": "{{_connectionString}}" } } }""");
        var (approveCode, approve) = await EstuaryAsync($"approvals approve {id} --config {config}");
        Assert.True(approveCode == 0, approve);

        var stored = await _server.GetRequiredService<IEstuaryStore>().FindPendingRequestAsync(long.Parse(id, System.Globalization.CultureInfo.InvariantCulture), default);
        Assert.Equal(PendingRequestStatus.Approved, stored!.Status);
        using var repeat = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=pg-held", key)));
        Assert.Equal(HttpStatusCode.OK, repeat.StatusCode);
        Assert.False(File.Exists(_elsewhere["data/estuary.db"]));
    }

    [Fact]
    public async Task Ca_revoke_with_storage_flags_revokes_the_row_the_server_wrote_to_PostgreSQL()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(client, "CN=pg-revoked", key);

        var (code, output) = await EstuaryAsync($"ca revoke {certificate.SerialNumber} --reason keyCompromise --provider postgres --connection-string \"{_connectionString}\"");

        Assert.True(code == 0, output);
        var record = await _server.GetRequiredService<IEstuaryStore>().FindCertificateAsync(certificate.SerialNumber, default);
        Assert.Equal((int)X509RevocationReason.KeyCompromise, record!.RevocationReason);
        Assert.False(File.Exists(_elsewhere["data/estuary.db"]));
    }
}
