using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;
using Estuary.Protocol;
using Estuary.Testing;
using Xunit;

namespace Estuary.Client.Tests;

/// <summary>RFC 7030 §4.2.3: 202 Accepted with Retry-After, against a scripted Kestrel server over TLS.</summary>
public sealed class PendingApprovalTests
{
    [Fact]
    public async Task A_202_with_Retry_After_is_waited_out_and_the_same_request_is_sent_again()
    {
        var csrs = new List<byte[]>();
        await using var scripted = await ScriptedEstServer.StartAsync(async (context, n, self) =>
        {
            var csr = await ScriptedEstServer.ReadCsrAsync(context);
            lock (csrs)
            {
                csrs.Add(csr);
            }

            if (n == 1)
            {
                context.Response.StatusCode = 202;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            await ScriptedEstServer.WriteAsync(context, EstMediaTypes.CertsOnly, self.Issue(csr));
        });
        using var client = new EstClient(new EstClientOptions { Server = scripted.BaseUri, TrustAnchors = [scripted.Ca] });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = await client.SimpleEnrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=pending")));

        Assert.Equal("CN=pending", issued.Certificate.Subject);
        Assert.Equal(2, scripted.Requests);
        Assert.Equal(csrs[0], csrs[1]);
    }

    [Fact]
    public async Task A_Retry_After_beyond_the_allowed_wait_stops_with_a_clear_pending_error()
    {
        await using var scripted = await ScriptedEstServer.StartAsync((context, _, _) =>
        {
            context.Response.StatusCode = 202;
            context.Response.Headers.RetryAfter = "3600";
            return Task.CompletedTask;
        });
        using var client = new EstClient(new EstClientOptions { Server = scripted.BaseUri, TrustAnchors = [scripted.Ca], MaxPendingWait = TimeSpan.FromMinutes(5) });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.SimpleEnrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=pending"))));

        Assert.Equal(EstClientErrorKind.PendingTimeout, e.Kind);
        Assert.Contains("approve", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, scripted.Requests);
    }

    [Fact]
    public async Task Serverkeygen_reads_a_libest_multipart_answer_over_TLS()
    {
        var dir = Path.Combine(RepositoryPaths.Shared, "vectors", "libest-server", "stock");
        var body = await File.ReadAllBytesAsync(Path.Combine(dir, "serverkeygen.multipart"));
        await using var scripted = await ScriptedEstServer.StartAsync((context, _, _) =>
            ScriptedEstServer.WriteAsync(context, "multipart/mixed; boundary=est-server-boundary", body));
        using var client = new EstClient(new EstClientOptions { Server = scripted.BaseUri, TrustAnchors = [scripted.Ca], Username = "estuser", Password = "estpwd", SendCredentialsUpFront = true });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var generated = await client.ServerKeyGenAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=vectors-libest-skg")));

        Assert.Equal("CN=vectors-libest-skg", generated.Certificate.Subject);
        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(generated.Pkcs8PrivateKey, out _);
        Assert.Equal(4096, rsa.KeySize);
    }

    [Fact]
    public async Task An_answer_slower_than_the_timeout_is_a_timeout_error()
    {
        var release = new TaskCompletionSource();
        await using var scripted = await ScriptedEstServer.StartAsync(async (context, _, _) => await release.Task.WaitAsync(context.RequestAborted));
        using var client = new EstClient(new EstClientOptions { Server = scripted.BaseUri, TrustAnchors = [scripted.Ca], Timeout = TimeSpan.FromSeconds(1) });

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.GetCaCertsAsync());
        release.SetResult();

        Assert.Equal(EstClientErrorKind.Timeout, e.Kind);
    }
}
