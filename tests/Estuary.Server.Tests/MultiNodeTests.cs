using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// Two `estuary serve` nodes on two loopback ports sharing one PostgreSQL database and the same CA
/// material, as behind a load balancer: whatever one node writes the other sees, and concurrent
/// enrollments through both never lose or repeat a certificate.
/// </summary>
public sealed class MultiNodeTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>, IAsyncLifetime
{
    private EstuaryTestServer _a = null!;
    private EstuaryTestServer _b = null!;

    public async Task InitializeAsync()
    {
        var configuration = new Dictionary<string, string?>
        {
            ["Estuary:Storage:Provider"] = "postgres",
            ["Estuary:Storage:ConnectionString"] = await cluster.CreateDatabaseAsync(),
        };
        _a = EstuaryTestServer.With(configuration);
        await _a.InitializeAsync();
        _b = EstuaryTestServer.With(configuration);
        // The second node gets the first node's CA and TLS material (the files of a shared data folder), not its database.
        Directory.CreateDirectory(_b.DataDir);
        foreach (var file in Directory.GetFiles(_a.DataDir).Where(f => !Path.GetFileName(f).StartsWith("estuary.db", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(_b.DataDir, Path.GetFileName(file)));
        }

        await _b.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
    }

    [Fact]
    public async Task Both_nodes_serve_the_same_CA_and_the_same_bootstrap_account()
    {
        Assert.Equal(_a.RootCertificate.Thumbprint, _b.RootCertificate.Thumbprint);
        Assert.Equal(_a.EstPassword, _b.EstPassword);
        Assert.NotEqual(_a.BaseUri.Port, _b.BaseUri.Port);
        Assert.DoesNotContain("EST account", _b.StartupOutput, StringComparison.Ordinal); // the second node found the account, it created none
    }

    [Fact]
    public async Task Concurrent_enrollments_through_both_nodes_are_each_recorded_exactly_once()
    {
        const int PerNode = 60;
        using var clientA = _a.CreateClient(basicAuth: true);
        using var clientB = _b.CreateClient(basicAuth: true);
        var issued = new ConcurrentBag<(string Node, string Serial, byte[] Der)>();

        async Task EnrollMany(HttpClient client, string node)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, PerNode), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                using var key = TestCsr.NewP256();
                using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create($"CN={node}-{i}", key)), ct);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                var certificate = Assert.Single(await EstWire.ReadCertsAsync(response));
                issued.Add((node, certificate.SerialNumber, certificate.RawData));
            });
        }

        await Task.WhenAll(EnrollMany(clientA, "a"), EnrollMany(clientB, "b"));

        Assert.Equal(2 * PerNode, issued.Count);
        Assert.Equal(2 * PerNode, issued.Select(i => i.Serial).Distinct().Count());
        var storeA = _a.GetRequiredService<IEstuaryStore>();
        var storeB = _b.GetRequiredService<IEstuaryStore>();
        Assert.Equal(2 * PerNode, await storeA.CountCertificatesAsync(CancellationToken.None));
        foreach (var (node, serial, der) in issued)
        {
            // Read through the node that did NOT issue it.
            var record = await (node == "a" ? storeB : storeA).FindCertificateAsync(serial, CancellationToken.None);
            Assert.NotNull(record);
            Assert.Equal(der, record.Der);
        }

        var audit = await storeB.ListAuditAsync(1000, CancellationToken.None);
        Assert.Equal(2 * PerNode, audit.Count(e => e.Kind == "certificate.issued"));
    }

    [Fact]
    public async Task An_account_created_through_one_node_authenticates_on_the_other()
    {
        var hasher = _a.GetRequiredService<PasswordHasher>();
        var password = PasswordHasher.GeneratePassword();
        Assert.True(await _a.GetRequiredService<IEstuaryStore>().InsertAccountAsync(
            new EstAccount { Username = "fleet-7", PasswordHash = hasher.Hash(password), Enabled = true, CreatedAt = DateTimeOffset.UtcNow }, CancellationToken.None));

        using var client = _b.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("fleet-7:" + password)));
        using var key = TestCsr.NewP256();
        using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=fleet-7-device", key)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var serial = Assert.Single(await EstWire.ReadCertsAsync(response)).SerialNumber;
        Assert.Equal("basic:fleet-7", (await _a.GetRequiredService<IEstuaryStore>().FindCertificateAsync(serial, CancellationToken.None))!.RequestedBy);
    }

    [Fact]
    public async Task A_certificate_issued_by_one_node_renews_on_the_other_over_mutual_TLS()
    {
        using var basicA = _a.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var first = await EstWire.EnrollAsync(basicA, "CN=roaming-device", key);

        using var mtlsB = _b.CreateClient(first);
        using var newKey = TestCsr.NewP256();
        using var response = await mtlsB.PostAsync("simplereenroll", EstWire.Pkcs10(TestCsr.Create("CN=roaming-device", newKey)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var renewed = Assert.Single(await EstWire.ReadCertsAsync(response));
        var record = await _a.GetRequiredService<IEstuaryStore>().FindCertificateAsync(renewed.SerialNumber, CancellationToken.None);
        Assert.Equal(first.SerialNumber, record!.Replaces);
        Assert.Equal("simplereenroll", record.Operation);
    }
}
