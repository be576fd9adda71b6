using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>
/// Two `estuary serve` processes on one PostgreSQL database, as behind a load balancer, with requests alternating
/// between them: the per-address and per-account limits of R/s hold for the pair (about R, not 2R), and failed
/// logins spread over both lock the (user, address) pair on both. Each test sends from its own loopback source
/// address (127.0.0.x), so its buckets are its own.
/// </summary>
public sealed class MultiNodeLimitTests(PostgresCluster cluster) : IClassFixture<PostgresCluster>, IAsyncLifetime
{
    private const int Rate = 5; // per second; a full bucket holds 2 × Rate
    private const int Capacity = 2 * Rate;
    private const int MaxFailedLogins = 4;
    private readonly string _dataA = Directory.CreateTempSubdirectory("estuary-node-a").FullName;
    private readonly string _dataB = Directory.CreateTempSubdirectory("estuary-node-b").FullName;
    private EstuaryProcess _a = null!;
    private EstuaryProcess _b = null!;
    private X509Certificate2 _root = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await cluster.CreateDatabaseAsync();
        _a = Node(_dataA, connectionString);
        await _a.StartAsync();
        // The second node gets the first node's CA and TLS material (a shared data folder), not a database of its own.
        foreach (var file in Directory.GetFiles(_dataA).Where(f => !Path.GetFileName(f).StartsWith("estuary.db", StringComparison.Ordinal)))
        {
            File.Copy(file, Path.Combine(_dataB, Path.GetFileName(file)));
        }

        _b = Node(_dataB, connectionString);
        await _b.StartAsync();
        _root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_dataA, "root-ca.pem")));
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        Directory.Delete(_dataA, recursive: true);
        Directory.Delete(_dataB, recursive: true);
    }

    [Fact]
    public async Task A_per_address_limit_holds_across_two_nodes()
    {
        using var toA = Client(_a, "127.0.0.2");
        using var toB = Client(_b, "127.0.0.2");

        var (allowed, refused, elapsed) = await BurstAsync(toA, toB, 60);

        // A token bucket of R/s that starts full allows at most its capacity plus R per second elapsed; one per
        // node would allow about twice that. 60 requests are sent faster than 2R, so both would be reached.
        Assert.InRange(allowed, Capacity, Capacity + (int)(Rate * elapsed.TotalSeconds) + 1);
        Assert.NotEmpty(refused);
        Assert.All(refused, r => Assert.True(r.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1)));
        Assert.Contains("too many requests", await refused[0].Content.ReadAsStringAsync(), StringComparison.Ordinal);
        refused.ForEach(r => r.Dispose());
    }

    [Fact]
    public async Task A_per_account_limit_holds_across_two_nodes_and_many_addresses()
    {
        // Eight source addresses, each well under its own address limit; all as one account.
        var (user, password) = _a.EstCredentials();
        var clients = Enumerable.Range(10, 8).SelectMany(i => new[] { Client(_a, $"127.0.0.{i}"), Client(_b, $"127.0.0.{i}") }).ToList();
        foreach (var client in clients)
        {
            client.DefaultRequestHeaders.Authorization = Basic(user, password);
        }

        try
        {
            var statuses = new List<HttpStatusCode>();
            var clock = Stopwatch.StartNew();
            await Parallel.ForEachAsync(Enumerable.Range(0, 64), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
            {
                using var response = await clients[i % clients.Count].GetAsync("cacerts", ct);
                lock (statuses)
                {
                    statuses.Add(response.StatusCode);
                }
            });
            var elapsed = clock.Elapsed;

            var allowed = statuses.Count(s => s == HttpStatusCode.OK);
            Assert.Equal(64, allowed + statuses.Count(s => s == HttpStatusCode.TooManyRequests));
            Assert.InRange(allowed, Capacity, Capacity + (int)(Rate * elapsed.TotalSeconds) + 1);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    [Fact]
    public async Task Failed_logins_spread_over_both_nodes_lock_the_user_at_that_address_on_both()
    {
        var (user, password) = _a.EstCredentials();
        using var key = TestCsr.NewP256();
        var csr = TestCsr.Create("CN=spread-guesses", key);
        async Task<HttpStatusCode> EnrollAsync(EstuaryProcess node, string source, string secret)
        {
            using var client = Client(node, source);
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
            Assert.Equal(HttpStatusCode.Unauthorized, await EnrollAsync(i % 2 == 0 ? _a : _b, "127.0.0.3", "guess-" + i));
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, await EnrollAsync(_a, "127.0.0.3", password));
        Assert.Equal(HttpStatusCode.TooManyRequests, await EnrollAsync(_b, "127.0.0.3", password));
        // The lock is the pair's: the device itself, elsewhere, still enrolls (a stranger cannot lock it out).
        Assert.Equal(HttpStatusCode.OK, await EnrollAsync(_b, "127.0.0.4", password));
    }

    private static async Task<(int Allowed, List<HttpResponseMessage> Refused, TimeSpan Elapsed)> BurstAsync(HttpClient toA, HttpClient toB, int count)
    {
        var refused = new List<HttpResponseMessage>();
        var allowed = 0;
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var response = await (i % 2 == 0 ? toA : toB).GetAsync("cacerts", ct);
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

    private static EstuaryProcess Node(string dataDir, string connectionString)
    {
        var node = new EstuaryProcess(dataDir);
        node.Environment["Estuary__Storage__Provider"] = StorageOptions.Postgres;
        node.Environment["Estuary__Storage__ConnectionString"] = connectionString;
        node.Environment["Estuary__RateLimits__PerAddressPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
        node.Environment["Estuary__RateLimits__PerAccountPerSecond"] = Rate.ToString(System.Globalization.CultureInfo.InvariantCulture);
        node.Environment["Estuary__RateLimits__MaxFailedLogins"] = MaxFailedLogins.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return node;
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(user + ":" + password)));

    /// <summary>An EST client of <paramref name="node"/> whose connections come from <paramref name="source"/> (any 127/8 address reaches loopback).</summary>
    private HttpClient Client(EstuaryProcess node, string source)
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
}
