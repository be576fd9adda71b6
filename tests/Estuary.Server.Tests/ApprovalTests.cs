using System.Net;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>Manual approval (RFC 7030 §4.2.3): 202 + Retry-After, approve/reject, one certificate per request.</summary>
public sealed class ApprovalTests : IAsyncLifetime
{
    // The default label holds requests too: strongSwan 5.9.8 cannot name a label.
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:default:RequireApproval"] = "true",
        ["Estuary:Labels:held:RequireApproval"] = "true",
        ["Estuary:ApprovalRetryAfterSeconds"] = "1",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private ApprovalQueue Queue => _server.GetRequiredService<ApprovalQueue>();

    [Fact]
    public async Task A_held_request_gets_202_until_approved_and_then_one_certificate_however_often_it_is_repeated()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();

        using (var first = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-1", key))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
            Assert.Equal("1", first.Headers.GetValues("Retry-After").Single());
            Assert.Equal(0, first.Content.Headers.ContentLength);
        }

        // The repeat is re-signed (a new ECDSA signature, as libest does) and still finds the same request.
        using (var repeat = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-1", key))))
        {
            Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        }

        var pending = Assert.Single(await Queue.ListAsync(PendingRequestStatus.Pending, 10, default), r => r.Subject == "CN=held-1");
        Assert.Equal("held", pending.Label);
        Assert.True((await Queue.ApproveAsync(pending.Id, "test", default)).IsSuccess);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-1", key)))));
        var serials = new List<string>();
        foreach (var response in responses)
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            serials.Add(Assert.Single(await EstWire.ReadCertsAsync(response)).SerialNumber);
            response.Dispose();
        }

        Assert.Single(serials.Distinct());
        var store = _server.GetRequiredService<IEstuaryStore>();
        Assert.Single(await store.ListCertificatesAsync(1000, default), c => c.Subject == "CN=held-1");
        var issued = await Queue.FindAsync(pending.Id, default);
        Assert.Equal(PendingRequestStatus.Issued, issued!.Status);
        Assert.Equal(serials[0], issued.IssuedSerial);
    }

    [Fact]
    public async Task A_rejected_request_gets_403_with_the_reason_on_every_repeat()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using (var first = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-rejected", key))))
        {
            Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        }

        var pending = Assert.Single(await Queue.ListAsync(PendingRequestStatus.Pending, 10, default), r => r.Subject == "CN=held-rejected");
        Assert.False((await Queue.RejectAsync(pending.Id, "test", " ", default)).IsSuccess);
        Assert.True((await Queue.RejectAsync(pending.Id, "test", "unknown device", default)).IsSuccess);
        Assert.False((await Queue.ApproveAsync(pending.Id, "test", default)).IsSuccess);

        for (var i = 0; i < 2; i++)
        {
            using var repeat = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-rejected", key)));
            Assert.Equal(HttpStatusCode.Forbidden, repeat.StatusCode);
            Assert.Contains("rejected: unknown device", await repeat.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_different_key_or_requester_is_a_different_request()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key1 = TestCsr.NewP256();
        using var key2 = TestCsr.NewP256();
        (await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-two", key1)))).Dispose();
        (await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-two", key2)))).Dispose();

        Assert.Equal(2, (await Queue.ListAsync(PendingRequestStatus.Pending, 100, default)).Count(r => r.Subject == "CN=held-two"));
    }

    [Fact]
    public async Task Bouncy_Castle_polls_on_202_and_collects_the_certificate_once_approved()
    {
        var classes = await BouncyCastleJava.CompileAsync(Path.Combine(RepositoryPaths.Root, "tests", "Estuary.Server.Tests", "Java", "BcPollingEnroll.java"));
        var run = BouncyCastleJava.RunAsync(classes, "BcPollingEnroll",
            $"--server 127.0.0.1:{_server.BaseUri.Port} --trust {_server.RootCertificatePath} --user {_server.EstUsername} --pass {_server.EstPassword} --label held --subject CN=bc-polling --out {Path.Combine(classes, "cert.pem")} --maxwait 90");

        var pending = await WaitForPendingAsync("CN=bc-polling", run);
        Assert.True((await Queue.ApproveAsync(pending.Id, "test", default)).IsSuccess);
        var (code, output) = await run;

        Assert.True(code == 0, output);
        Assert.Contains("pending; Retry-After", output, StringComparison.Ordinal);
        Assert.Contains("polls=", output, StringComparison.Ordinal);
        Assert.Equal(PendingRequestStatus.Issued, (await Queue.FindAsync(pending.Id, default))!.Status);
    }

    [Fact]
    public async Task StrongSwan_pki_polls_on_202_and_collects_the_certificate_once_approved()
    {
        var (run, output) = await StrongSwanPki.StartPollingEnrollAsync(_server, "CN=strongswan-polling", Path.Combine(_server.DataDir, "strongswan"));

        var pending = await WaitForPendingAsync("CN=strongswan-polling", run);
        Assert.Equal("", pending.Label);
        Assert.True((await Queue.ApproveAsync(pending.Id, "test", default)).IsSuccess);
        var (code, text) = await run;

        Assert.True(code == 0, text);
        var certificate = System.Security.Cryptography.X509Certificates.X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(output));
        Assert.Equal("CN=strongswan-polling", certificate.Subject);
        Assert.Equal(certificate.SerialNumber, (await Queue.FindAsync(pending.Id, default))!.IssuedSerial);
    }

    /// <summary>Waits until the client's request is held (or the client has exited, which fails the test).</summary>
    private async Task<PendingRequest> WaitForPendingAsync(string subject, Task<(int ExitCode, string Output)> client)
    {
        while (true)
        {
            var held = (await Queue.ListAsync(PendingRequestStatus.Pending, 100, default)).FirstOrDefault(r => r.Subject == subject);
            if (held is not null)
            {
                return held;
            }

            if (client.IsCompleted)
            {
                Assert.Fail($"the client ended before its request was held: {(await client).Output}");
            }

            await Task.Delay(100);
        }
    }
}

/// <summary>Pending requests that nobody decides expire; the repeat then starts a new request.</summary>
public sealed class ApprovalExpiryTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:held:RequireApproval"] = "true",
        ["Estuary:PendingRequestLifetime"] = "00:00:00.001",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public async Task The_repeat_of_an_expired_request_starts_a_new_one_and_the_old_one_cannot_be_approved()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        (await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-expiring", key)))).Dispose();
        var queue = _server.GetRequiredService<ApprovalQueue>();
        var first = Assert.Single(await queue.ListAsync(null, 10, default));
        await Task.Delay(10); // longer than the 1 ms lifetime

        Assert.False((await queue.ApproveAsync(first.Id, "test", default)).IsSuccess);
        using var repeat = await client.PostAsync("held/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=held-expiring", key)));

        Assert.Equal(HttpStatusCode.Accepted, repeat.StatusCode);
        var all = await queue.ListAsync(null, 10, default);
        Assert.Equal(2, all.Count);
        Assert.Equal(PendingRequestStatus.Expired, all.Single(r => r.Id == first.Id).Status);
    }
}
