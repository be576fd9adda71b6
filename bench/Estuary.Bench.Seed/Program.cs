using System.Diagnostics;
using System.Globalization;
using Estuary.Bench.Seed;
using Estuary.Ca;
using Estuary.Storage;
using Estuary.Storage.Sqlite;

// Fills a data folder's SQLite database (or a PostgreSQL database) with N certificate records signed by the data
// folder's issuing CA (see docs/BENCHMARKS.md, "At a million certificates"). Not a test; never run by CI.
//   --data-dir DIR        a data folder `estuary serve` has created (its CA signs the records); required
//   --count N             records (1,000,000)          --revoked R     revoked records (N / 10), all unexpired
//   --postgres CONNSTR    write to PostgreSQL instead of DIR/estuary.db
//   --public-url URL      base of the CRL and OCSP URLs put into the certificates (as the server's Estuary:PublicBaseUrl)
//   --chunk N             records per transaction (50,000)   --threads N   signing threads (all cores)
//   --samples-dir DIR     writes sampled serials and OCSP GET paths for the benchmarks
var options = Arguments.Parse(args);
if (options.Has("help") || !options.Has("data-dir"))
{
    Console.Error.WriteLine("usage: Estuary.Bench.Seed --data-dir DIR [--count N] [--revoked R] [--postgres CONNSTR] [--public-url URL] [--chunk N] [--threads N] [--samples-dir DIR]");
    return 2;
}

var dataDir = Path.GetFullPath(options.Get("data-dir"));
if (!File.Exists(Path.Combine(dataDir, CaDirectory.RootCertificateFile)))
{
    Console.Error.WriteLine($"{dataDir} has no CA yet: run `estuary serve --data-dir {dataDir}` once first (the records are signed by its issuing CA)");
    return 2;
}

var count = options.GetInt("count", 1_000_000);
var chunk = options.GetInt("chunk", 50_000);
// Renewals point one chunk back under the same label (SeedCertificates.Renews), so a chunk is a whole number of label rounds.
chunk = Math.Max(SeedPlan.Labels.Length, chunk - (chunk % SeedPlan.Labels.Length));
var threads = options.GetInt("threads", Environment.ProcessorCount);
var plan = new SeedPlan(count, options.GetInt("revoked", count / 10), DateTimeOffset.UtcNow);
using var material = CaDirectory.LoadOrCreate(dataDir, new CaOptions(), TimeProvider.System);
var ca = material.Issuing;
var baseUrl = new Uri(options.Get("public-url", "https://127.0.0.1:8443/").TrimEnd('/') + "/");
ca.DistributionPointsFor = (keyId, _) => DistributionExtensions.Create(new Uri(baseUrl, $"crl/{keyId}.crl"), new Uri(baseUrl, "ocsp"));
var certificates = new SeedCertificates(ca, plan, keyPool: 1000);

await using ISeedWriter writer = options.Has("postgres")
    ? await PostgresSeedWriter.OpenAsync(options.Get("postgres"), CancellationToken.None)
    : await SqliteSeedWriter.OpenAsync(Path.Combine(dataDir, "estuary.db"), CancellationToken.None);

Console.WriteLine($"seeding {count:N0} certificates ({plan.Revoked:N0} revoked, {plan.Unexpired:N0} unexpired) across {SeedPlan.Labels.Length} labels into {(options.Has("postgres") ? "PostgreSQL" : Path.Combine(dataDir, "estuary.db"))}, {chunk:N0} per transaction, {threads} signing threads");
var total = Stopwatch.StartNew();
var signing = TimeSpan.Zero;
var writing = TimeSpan.Zero;
Task<TimeSpan> pending = Task.FromResult(TimeSpan.Zero);
for (var start = 0; start < count; start += chunk)
{
    var end = Math.Min(count, start + chunk);
    var rows = new (CertificateRecord, AuditEvent, AuditEvent?)[end - start];
    var sign = Stopwatch.StartNew();
    Parallel.For(start, end, new ParallelOptions { MaxDegreeOfParallelism = threads }, i => rows[i - start] = certificates.Create(i, chunk));
    signing += sign.Elapsed;
    // The previous chunk's transaction runs while this one is signed; wait for it before starting the next.
    writing += await pending;
    pending = TimedWriteAsync(rows);
    Console.WriteLine($"  {end:N0} signed ({total.Elapsed.TotalSeconds:F0} s)");
}

writing += await pending;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
    $"seeded {count} certificates in {total.Elapsed.TotalSeconds:F1} s ({count / total.Elapsed.TotalSeconds:F0}/s; signing {signing.TotalSeconds:F1} s, writing {writing.TotalSeconds:F1} s)"));

if (!options.Has("postgres"))
{
    // The trigger only queued the serials for the trigram search index (SQLite migration 11); index them now, as the
    // server's writer would within seconds of starting, so that a benchmark does not measure the catching up.
    var indexing = Stopwatch.StartNew();
    await using var store = await SqliteStore.OpenAsync(Path.Combine(dataDir, "estuary.db"));
    await store.IndexPendingTextAsync();
    // The store's own writer takes part of the queue meanwhile, so the count of this call alone would say less.
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"search index: the queue of {count} certificates indexed in {indexing.Elapsed.TotalSeconds:F1} s"));
}

if (options.Has("samples-dir"))
{
    var dir = Directory.CreateDirectory(options.Get("samples-dir")).FullName;
    var good = new List<string>();
    var names = new List<string>();
    var revoked = new List<string>();
    var nowMs = plan.Now.ToUnixTimeMilliseconds();
    for (var i = count - 1; i >= 0 && (good.Count < 1000 || revoked.Count < 1000); i -= 7)
    {
        if (plan.NotAfterMs(i) <= nowMs)
        {
            continue;
        }

        var list = plan.IsRevoked(i) ? revoked : good;
        if (list.Count < 1000)
        {
            list.Add(certificates.SerialOf(i));
            if (list == good)
            {
                names.Add(SeedPlan.DeviceName(SeedCertificates.Origin(i, chunk)));
            }
        }
    }

    await File.WriteAllLinesAsync(Path.Combine(dir, "serials-good.txt"), good);
    await File.WriteAllLinesAsync(Path.Combine(dir, "serials-revoked.txt"), revoked);
    await File.WriteAllLinesAsync(Path.Combine(dir, "names-good.txt"), names);
    await File.WriteAllLinesAsync(Path.Combine(dir, "ocsp-good.txt"), good.Select(s => OcspRequests.GetPath(ca.Certificate, s)));
    await File.WriteAllLinesAsync(Path.Combine(dir, "ocsp-revoked.txt"), revoked.Select(s => OcspRequests.GetPath(ca.Certificate, s)));
    Console.WriteLine($"samples: {good.Count} good and {revoked.Count} revoked serials and OCSP GET paths in {dir}");
}

return 0;

async Task<TimeSpan> TimedWriteAsync((CertificateRecord, AuditEvent, AuditEvent?)[] rows)
{
    var watch = Stopwatch.StartNew();
    await writer.WriteAsync(rows, CancellationToken.None);
    return watch.Elapsed;
}
