using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;
using Xunit.Abstractions;

namespace Estuary.Server.Tests;

/// <summary>
/// Two `estuary serve` processes on one PostgreSQL database, as behind a load balancer, with requests alternating
/// between them: the per-address and per-account limits of R/s hold for the pair (about R, not 2R), and failed
/// logins spread over both lock the (user, address) pair on both. Each test sends from its own loopback source
/// address (127.0.0.x), so its buckets are its own.
/// </summary>
public sealed class MultiNodeLimitTests(PostgresCluster cluster, ITestOutputHelper output) : IClassFixture<PostgresCluster>
{
    // One request per second, a full bucket of two. So low that one bucket per node would be caught however long the
    // burst takes: two nodes' own buckets allow 2 × (2 + t) in t seconds, one shared bucket at most 2 + t.
    private const int Rate = 1;
    private const int Capacity = 2 * Rate;
    private const int MaxFailedLogins = 4;

    [Fact]
    public async Task A_per_address_limit_holds_across_two_nodes()
    {
        await using var nodes = await NodePair.StartAsync(cluster, perAddress: Rate, perAccount: 0, maxFailedLogins: 0);
        await nodes.WarmUpAsync();
        using var toA = nodes.Client(nodes.A, "127.0.0.2");
        using var toB = nodes.Client(nodes.B, "127.0.0.2");

        var (allowed, refused, elapsed) = await BurstAsync([toA, toB], 40);
        output.WriteLine($"per address: {allowed} of 40 allowed in {elapsed.TotalSeconds:F2} s");

        // A token bucket of R/s that starts full allows at most its capacity plus R per second elapsed.
        Assert.InRange(allowed, Capacity, Capacity + (int)(Rate * elapsed.TotalSeconds) + 1);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        Assert.Contains("too many requests", await refused[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        refused.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task A_per_account_limit_holds_across_two_nodes_and_many_addresses()
    {
        await using var nodes = await NodePair.StartAsync(cluster, perAddress: 0, perAccount: Rate, maxFailedLogins: 0);
        await nodes.WarmUpAsync();
        var (user, password) = nodes.A.EstCredentials();
        // Eight source addresses on each node, all as one account.
        var clients = Enumerable.Range(10, 8).SelectMany(i => new[] { nodes.Client(nodes.A, $"127.0.0.{i}"), nodes.Client(nodes.B, $"127.0.0.{i}") }).ToList();
        foreach (var client in clients)
        {
            client.DefaultRequestHeaders.Authorization = Basic(user, password);
        }

        try
        {
            var (allowed, refused, elapsed) = await BurstAsync(clients, 48);
            output.WriteLine($"per account: {allowed} of 48 allowed in {elapsed.TotalSeconds:F2} s");

            Assert.InRange(allowed, Capacity, Capacity + (int)(Rate * elapsed.TotalSeconds) + 1);
            refused.ForEach(r => r.Dispose());
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Failed_logins_spread_over_both_nodes_lock_the_user_at_that_address_on_both()
    {
        await using var nodes = await NodePair.StartAsync(cluster, perAddress: 0, perAccount: 0, maxFailedLogins: MaxFailedLogins);
        var (user, password) = nodes.A.EstCredentials();
        using var key = TestCsr.NewP256();
        var csr = TestCsr.Create("CN=spread-guesses", key);
        async Task<HttpStatusCode> EnrollAsync(EstuaryProcess node, string source, string secret)
        {
            using var client = nodes.Client(node, source);
            client.DefaultRequestHeaders.Authorization = Basic(user, secret);
            using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(csr));
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                Assert.Contains("too many failed logins", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                Assert.NotNull(response.Headers.RetryAfter);
            }

            return response.StatusCode;
        }

        // Two guesses on each node: one node alone counts two, below the limit of four.
        for (var i = 0; i < MaxFailedLogins; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, await EnrollAsync(i % 2 == 0 ? nodes.A : nodes.B, "127.0.0.3", "guess-" + i));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await EnrollAsync(nodes.A, "127.0.0.3", password));
        Assert.Equal(HttpStatusCode.TooManyRequests, await EnrollAsync(nodes.B, "127.0.0.3", password));
        // The lock is the pair's: the device itself, elsewhere, still enrolls (a stranger cannot lock it out).
        Assert.Equal(HttpStatusCode.OK, await EnrollAsync(nodes.B, "127.0.0.4", password));
    }

    /// <summary>Sends <paramref name="count"/> GET cacerts, 8 at a time, going round <paramref name="clients"/> (so alternating between the nodes).</summary>
    private static async Task<(int Allowed, List<HttpResponseMessage> Refused, TimeSpan Elapsed)> BurstAsync(IReadOnlyList<HttpClient> clients, int count)
    {
        // Warm up first (connections, TLS, the servers' JIT), so that the burst's elapsed time is the limiter's time:
        // /healthz is outside the limits, and its requests open the connections the burst will use.
        await Parallel.ForEachAsync(Enumerable.Range(0, 2 * clients.Count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var client = clients[i % clients.Count];
            using var health = await client.GetAsync(new Uri(client.BaseAddress!, "/healthz"), ct);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        });

        var refused = new List<HttpResponseMessage>();
        var allowed = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var response = await clients[i % clients.Count].GetAsync("cacerts", ct);
            lock (refused)
            {
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    allowed++;
                    response.Dispose();
                }
                else
                {
                    Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
                    refused.Add(response);
                }
            }
        });
        return (allowed, refused, clock.Elapsed);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    /// <summary>Two `estuary serve` processes on one new database, the second with the first's CA and TLS files (a shared data folder).</summary>
    private sealed class NodePair : IAsyncDisposable
    {
        private readonly string _dataA = Directory.CreateTempSubdirectory("estuary-node-a").FullName;
        private readonly string _dataB = Directory.CreateTempSubdirectory("estuary-node-b").FullName;
        private X509Certificate2 _root = null!;

        public EstuaryProcess A { get; private set; } = null!;

        public EstuaryProcess B { get; private set; } = null!;

        public static async Task<NodePair> StartAsync(PostgresCluster cluster, int perAddress, int perAccount, int maxFailedLogins)
        {
            var pair = new NodePair();
            var connectionString = await cluster.CreateDatabaseAsync();
            EstuaryProcess Node(string dataDir)
            {
                var node = new EstuaryProcess(dataDir);
                node.Environment["Estuary__Storage__Provider"] = StorageOptions.Postgres;
                node.Environment["Estuary__Storage__ConnectionString"] = connectionString;
                node.Environment["Estuary__RateLimits__PerAddressPerSecond"] = perAddress.ToString(CultureInfo.InvariantCulture);
                node.Environment["Estuary__RateLimits__PerAccountPerSecond"] = perAccount.ToString(CultureInfo.InvariantCulture);
                node.Environment["Estuary__RateLimits__MaxFailedLogins"] = maxFailedLogins.ToString(CultureInfo.InvariantCulture);
                return node;
            }

            pair.A = Node(pair._dataA);
            pair.B = Node(pair._dataB);
            await pair.A.StartAsync();
            foreach (var file in Directory.GetFiles(pair._dataA).Where(f => !Path.GetFileName(f).StartsWith("estuary.db", StringComparison.Ordinal)))
            {
                File.Copy(file, Path.Combine(pair._dataB, Path.GetFileName(file)));
            }

            await pair.B.StartAsync();
            pair._root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(pair._dataA, "root-ca.pem")));
            return pair;
        }

        /// <summary>Runs the EST path and its limiter on both nodes (from an address and as an account no test uses), so that JIT is done.</summary>
        public async Task WarmUpAsync()
        {
            foreach (var node in new[] { A, B })
            {
                using var client = Client(node, "127.0.0.99");
                client.DefaultRequestHeaders.Authorization = Basic("warm-up", "-");
                for (var i = 0; i < 6; i++)
                {
                    using var response = await client.GetAsync("cacerts");
                }
            }
        }

        /// <summary>An EST client of <paramref name="node"/> whose connections come from <paramref name="source"/> (any 127/8 address reaches loopback).</summary>
        public HttpClient Client(EstuaryProcess node, string source)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(_root);
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                    try
                    {
                        socket.Bind(new IPEndPoint(IPAddress.Parse(source), 0));
                        await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                },
            };
            handler.SslOptions.CertificateChainPolicy = policy;
            return new HttpClient(handler) { BaseAddress = new Uri(node.EstUrl + "/"), Timeout = TimeSpan.FromSeconds(60) };
        }

        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
            Directory.Delete(_dataA, recursive: true);
            Directory.Delete(_dataB, recursive: true);
        }
    }
}
