using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol.Coap;
using Estuary.Testing;

// EST-coaps vs EST over HTTPS (docs/BENCHMARKS.md): each enrollment is a new DTLS session or TLS connection
// authenticated by a client certificate, then one simpleenroll (/sen) of a distinct P-256 CSR; sequential.
//   Estuary.Bench.Coaps --est-url https://127.0.0.1:8443/.well-known/est --coaps 127.0.0.1:5684 --root root-ca.pem
//                       --user est --password P --seconds 20 [--server-pid PID]
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => args[p.i + 1], StringComparer.Ordinal);
var estUrl = options["est-url"].TrimEnd('/') + "/";
var coaps = IPEndPoint.Parse(options["coaps"]);
var seconds = int.Parse(options.GetValueOrDefault("seconds", "20"), CultureInfo.InvariantCulture);
var serverPid = options.TryGetValue("server-pid", out var pid) ? int.Parse(pid, CultureInfo.InvariantCulture) : (int?)null;
var root = X509Certificate2.CreateFromPem(File.ReadAllText(options["root"]));

// A bootstrap certificate over HTTPS with Basic, used by both transports as the client certificate.
using var bootstrapKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
using var basic = new HttpClient(Handler(null, null)) { BaseAddress = new Uri(estUrl) };
basic.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options["user"] + ":" + options["password"])));
using var bootstrapAnswer = await basic.PostAsync("simpleenroll", Pkcs10(Csr("CN=bench-bootstrap", bootstrapKey)));
bootstrapAnswer.EnsureSuccessStatusCode();
var bootstrapDer = Estuary.Protocol.CertsOnly.Decode(Estuary.Protocol.EstBase64.Decode(await bootstrapAnswer.Content.ReadAsByteArrayAsync())).Single();
using var bootstrap = X509CertificateLoader.LoadPkcs12(
    X509CertificateLoader.LoadCertificate(bootstrapDer).CopyWithPrivateKey(bootstrapKey).Export(X509ContentType.Pkcs12), null);

using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
var csrs = Enumerable.Range(0, 4_000).Select(i => Csr($"CN=bench-{Guid.NewGuid():N}", key)).ToArray();
var next = 0;

Console.WriteLine($"{"transport",-8} {"enroll/s",9} {"server CPU ms/enroll",21} {"bytes up",9} {"bytes down",11} {"total bytes",12}");
await RunAsync("coaps", () =>
{
    using var client = CoapDtlsClient.Connect(coaps, bootstrap, bootstrapKey);
    var response = client.Exchange(new CoapMessage(CoapMessageType.Confirmable, CoapCode.Post, 1, [1],
        [
            CoapOption.FromText(CoapOptionNumber.UriPath, ".well-known"),
            CoapOption.FromText(CoapOptionNumber.UriPath, "est"),
            CoapOption.FromText(CoapOptionNumber.UriPath, "sen"),
            CoapOption.FromNumber(CoapOptionNumber.ContentFormat, CoapContentFormat.Pkcs10),
        ],
        csrs[next++]));
    if (response?.Code != CoapCode.Changed)
    {
        throw new InvalidOperationException("CoAP enrollment failed: " + response);
    }

    client.Dispose();
    return Task.FromResult((client.BytesSent, client.BytesReceived));
});
await RunAsync("https", async () =>
{
    long up = 0, down = 0;
    using var http = new HttpClient(Handler(bootstrap, (u, d) => { up += u; down += d; })) { BaseAddress = new Uri(estUrl) };
    using var answer = await http.PostAsync("simpleenroll", Pkcs10(csrs[next++]));
    answer.EnsureSuccessStatusCode();
    await answer.Content.ReadAsByteArrayAsync();
    http.Dispose();
    return (up, down);
});
return 0;

async Task RunAsync(string name, Func<Task<(long Up, long Down)>> enroll)
{
    await enroll(); // warm-up
    var cpuBefore = ServerCpu();
    var clock = Stopwatch.StartNew();
    long count = 0, up = 0, down = 0;
    while (clock.Elapsed.TotalSeconds < seconds)
    {
        var (u, d) = await enroll();
        count++;
        up += u;
        down += d;
    }

    var elapsed = clock.Elapsed.TotalSeconds;
    var cpu = ServerCpu() - cpuBefore;
    var cpuText = serverPid is null ? "n/a" : (cpu * 1000.0 / count).ToString("F2", CultureInfo.InvariantCulture);
    Console.WriteLine($"{name,-8} {count / elapsed,9:F1} {cpuText,21} {up / count,9} {down / count,11} {(up + down) / count,12}");
}

// utime + stime of the server process in seconds (/proc/PID/stat fields 14 and 15, clock ticks of 100 Hz).
double ServerCpu()
{
    if (serverPid is not { } p)
    {
        return 0;
    }

    var fields = File.ReadAllText($"/proc/{p}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
    return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
}

SocketsHttpHandler Handler(X509Certificate2? certificate, Action<long, long>? count)
{
    var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
    policy.CustomTrustStore.Add(root);
    var handler = new SocketsHttpHandler { SslOptions = { CertificateChainPolicy = policy } };
    if (certificate is not null)
    {
        handler.SslOptions.ClientCertificates = [certificate];
    }

    if (count is not null)
    {
        // TCP payload bytes, TLS records included: what the network carries above TCP/IP headers, as the UDP count does.
        handler.ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new CountingStream(new NetworkStream(socket, ownsSocket: true), count);
        };
    }

    return handler;
}

static byte[] Csr(string subject, ECDsa key) => new CertificateRequest(subject, key, HashAlgorithmName.SHA256).CreateSigningRequest();

static ByteArrayContent Pkcs10(byte[] der)
{
    var content = new ByteArrayContent(Encoding.ASCII.GetBytes(Convert.ToBase64String(der)));
    content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pkcs10");
    return content;
}

/// <summary>A stream that reports the bytes read and written through it.</summary>
internal sealed class CountingStream(Stream inner, Action<long, long> count) : Stream
{
    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override int Read(byte[] buffer, int offset, int count1)
    {
        var read = inner.Read(buffer, offset, count1);
        count(0, read);
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        count(0, read);
        return read;
    }

    public override void Write(byte[] buffer, int offset, int count1)
    {
        inner.Write(buffer, offset, count1);
        count(count1, 0);
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await inner.WriteAsync(buffer, cancellationToken);
        count(buffer.Length, 0);
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }
}
