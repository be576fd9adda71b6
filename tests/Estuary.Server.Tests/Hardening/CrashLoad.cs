using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using Estuary.Testing;

namespace Estuary.Server.Tests.Hardening;

/// <summary>Enrolls at full speed from several clients and kills the server (SIGKILL) mid-load.</summary>
internal static class CrashLoad
{
    /// <summary>Returns the serials of every certificate a client actually received before the kill.</summary>
    public static async Task<IReadOnlyCollection<string>> EnrollUntilKilledAsync(EstuaryProcess server, HttpClient client, ECDsa key)
    {
        // Distinct CSRs prepared before the load, as the benchmark does.
        var bodies = Enumerable.Range(0, 400).Select(i => TestCsr.Create($"CN=crash-{i}", key)).ToArray();
        var received = new ConcurrentBag<string>();
        var next = -1;
        using var stop = new CancellationTokenSource();

        async Task Worker()
        {
            while (!stop.IsCancellationRequested)
            {
                var i = Interlocked.Increment(ref next);
                if (i >= bodies.Length)
                {
                    return;
                }

                try
                {
                    using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(bodies[i]), stop.Token);
                    if (response.StatusCode == HttpStatusCode.OK)
                    {
                        received.Add((await EstWire.ReadCertsAsync(response)).Single().SerialNumber);
                    }
                }
                catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
                {
                    // The kill cuts requests in flight: those clients got no certificate.
                }
            }
        }

        var workers = Enumerable.Range(0, 8).Select(_ => Task.Run(Worker)).ToArray();
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (received.Count < 40)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"only {received.Count} enrollments succeeded before the kill:\n{server.Output}");
            }

            await Task.Delay(20);
        }

        await server.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        return received;
    }
}
