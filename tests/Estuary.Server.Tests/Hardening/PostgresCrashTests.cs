using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>kill -9 of a node that stores in PostgreSQL, under full load: nothing a client received is missing.</summary>
public sealed class PostgresCrashTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>
{
    [Fact]
    public async Task Every_certificate_a_client_received_before_a_kill_9_is_in_PostgreSQL_and_enrollment_resumes()
    {
        var dataDir = Directory.CreateTempSubdirectory("estuary-pgcrash").FullName;
        var connectionString = await cluster.CreateDatabaseAsync();
        await using var server = new EstuaryProcess(dataDir);
        server.Environment["Estuary__Storage__Provider"] = StorageOptions.Postgres;
        server.Environment["Estuary__Storage__ConnectionString"] = connectionString;
        try
        {
            await server.StartAsync();
            var (user, password) = server.EstCredentials();
            using var key = TestCsr.NewP256();
            using (var client = Client(server, dataDir, user, password))
            {
                var received = await CrashLoad.EnrollUntilKilledAsync(server, client, key);
                Assert.Equal(received.Count, received.Distinct().Count()); // no serial was handed out twice

                var options = new StorageOptions { Provider = StorageOptions.Postgres, ConnectionString = connectionString };
                await using var store = await EstuaryStores.OpenAsync(options, dataDir);
                foreach (var serial in received)
                {
                    Assert.NotNull(await store.FindCertificateAsync(serial, default));
                }
            }

            await server.StartAsync();
            using var after = Client(server, dataDir, user, password);
            using var response = await after.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=after-pg-crash", key)));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        finally
        {
            await server.KillAsync();
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static HttpClient Client(EstuaryProcess server, string dataDir, string username, string password)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDir, "root-ca.pem")));
        var handler = new SocketsHttpHandler();
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        handler.SslOptions.CertificateChainPolicy = policy;
        var client = new HttpClient(handler) { BaseAddress = new Uri(server.EstUrl + "/"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(username + ":" + password)));
        return client;
    }
}
