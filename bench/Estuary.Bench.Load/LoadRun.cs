using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Estuary.Bench.Load;

/// <summary>
/// One timed run: C workers enroll back to back for S seconds, each request with its own pre-generated
/// CSR. keepalive: Basic auth over persistent connections. handshake: Basic auth, a new connection and a
/// full TLS handshake per enrollment (Connection: close, client TLS resumption off). resume: the same, with the
/// client offering its last session (a device that reconnects often). mtls: simplereenroll
/// over persistent connections authenticated by a client certificate. Prints throughput, p50/p99 and the
/// server's CPU seconds per enrollment from /proc/PID/stat.
/// </summary>
internal static class LoadRun
{
    public static async Task<int> RunAsync(Arguments options)
    {
        var mode = options.Get("mode");
        var newConnection = mode is "handshake" or "resume";
        if (mode == "handshake")
        {
            // A resumed session would skip the expensive part of the handshake this mode measures.
            AppContext.SetSwitch("System.Net.Security.DisableTlsResume", true);
        }

        var csrs = CsrFile.Load(options.Get("csrs"));
        var concurrency = options.GetInt("concurrency", 32);
        var seconds = options.GetInt("seconds", 10);
        var serverPid = options.GetInt("server-pid", 0);
        var path = mode == "mtls" ? "simplereenroll" : "simpleenroll";
        var clientCertificates = mode == "mtls" ? ClientCertificates.Load(options.Get("client-dir")) : [];
        var basic = mode == "mtls" ? null : new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Get("user") + ":" + options.Get("password"))));

        // One client per worker for mtls (each its own certificate); one shared client otherwise.
        var shared = mode == "mtls" ? null : Http.CreateClient(options, newConnection, null);
        var clients = Enumerable.Range(0, concurrency).Select(i => shared ?? Http.CreateClient(options, false, clientCertificates[i % clientCertificates.Length])).ToArray();

        // Warm up (JIT, pools, connections) outside the timed window.
        await Task.WhenAll(clients.Select(c => SendAsync(c, path, csrs[0], basic, newConnection)));

        var next = 0;
        var latencies = new List<double>[concurrency];
        var failures = 0;
        string? firstFailure = null;
        var cpuBefore = ServerCpuSeconds(serverPid);
        var clock = Stopwatch.StartNew();
        var deadline = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(w => Task.Run(async () =>
        {
            var mine = latencies[w] = new List<double>(seconds * 1000);
            while (clock.Elapsed < deadline)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= csrs.Length)
                {
                    break; // never reuse a CSR within a run
                }

                var started = Stopwatch.GetTimestamp();
                var error = await SendAsync(clients[w], path, csrs[i], basic, newConnection);
                if (error is null)
                {
                    mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                }
                else
                {
                    Interlocked.Increment(ref failures);
                    firstFailure ??= error;
                }
            }
        })));
        var elapsed = clock.Elapsed.TotalSeconds;
        var cpuAfter = ServerCpuSeconds(serverPid);
        var all = latencies.SelectMany(l => l).Order().ToArray();
        var ok = all.Length;
        var cpuPerEnrollmentMs = serverPid > 0 && ok > 0 ? (cpuAfter - cpuBefore) / ok * 1000 : double.NaN;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"mode={mode} concurrency={concurrency} ok={ok} failed={failures} seconds={elapsed:F1} rate={ok / elapsed:F0}/s p50={Percentile(all, 0.50):F2}ms p99={Percentile(all, 0.99):F2}ms server_cpu_ms_per_enrollment={cpuPerEnrollmentMs:F3}"));
        if (firstFailure is not null)
        {
            Console.WriteLine("first failure: " + firstFailure);
        }

        if (ok + failures >= csrs.Length - 1)
        {
            Console.WriteLine("warning: ran out of CSRs before the time was up; generate more");
        }

        return failures == 0 ? 0 : 1;
    }

    private static async Task<string?> SendAsync(HttpClient client, string path, byte[] csr, AuthenticationHeaderValue? basic, bool close)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new ByteArrayContent(csr) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
        request.Headers.Authorization = basic;
        if (close)
        {
            request.Headers.ConnectionClose = true;
        }

        try
        {
            using var response = await client.SendAsync(request);
            var body = await response.Content.ReadAsByteArrayAsync();
            return response.IsSuccessStatusCode && body.Length > 100 ? null : $"{(int)response.StatusCode} {Encoding.UTF8.GetString(body)}";
        }
        catch (HttpRequestException e)
        {
            return e.Message;
        }
    }

    /// <summary>utime + stime of a process, from /proc/PID/stat (fields 14 and 15, in clock ticks of 1/100 s).</summary>
    public static double ServerCpuSeconds(int pid)
    {
        if (pid <= 0)
        {
            return 0;
        }

        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)];
}
