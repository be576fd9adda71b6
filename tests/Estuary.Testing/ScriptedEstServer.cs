using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Estuary.Testing;

/// <summary>
/// A tiny Kestrel server on loopback over real TLS whose answers a test scripts, for behaviour the Estuary
/// server does not have (yet): 202 pending approval, serverkeygen answers captured from libest. Its TLS
/// certificate is a self-signed CA that can also sign the CSRs it receives (<see cref="Issue"/>).
/// </summary>
public sealed class ScriptedEstServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private ScriptedEstServer(WebApplication app, X509Certificate2 ca, Uri baseUri)
    {
        _app = app;
        Ca = ca;
        BaseUri = baseUri;
    }

    /// <summary>The self-signed CA that is also the TLS server certificate (SAN 127.0.0.1).</summary>
    public X509Certificate2 Ca { get; }

    /// <summary>https://127.0.0.1:PORT</summary>
    public Uri BaseUri { get; }

    /// <summary>How many requests the server has answered.</summary>
    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Starts a server; <paramref name="handler"/> gets the request number (1-based) and answers it.</summary>
    public static async Task<ScriptedEstServer> StartAsync(Func<HttpContext, int, ScriptedEstServer, Task> handler)
    {
        var ca = CreateCa();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.UseHttps(ca)));
        var app = builder.Build();
        ScriptedEstServer? self = null;
        app.Run(async context =>
        {
            var n = Interlocked.Increment(ref self!._requests);
            await handler(context, n, self);
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        self = new ScriptedEstServer(app, ca, new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)));
        return self;
    }

    /// <summary>Signs the DER CSR with <see cref="Ca"/> for one day and returns the certs-only body (64-column base64).</summary>
    public byte[] Issue(byte[] csrDer)
    {
        var request = CertificateRequest.LoadSigningRequest(csrDer, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);
        var serial = new byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] &= 0x7F;
        using var issued = request.Create(Ca, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1), serial);
        return EstBase64.Encode(CertsOnly.Encode([issued.RawData]), Base64Layout.Wrapped64);
    }

    /// <summary>Writes a 200 answer with the given media type and body.</summary>
    public static Task WriteAsync(HttpContext context, string contentType, byte[] body, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = contentType;
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body).AsTask();
    }

    public static async Task<byte[]> ReadCsrAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer);
        return EstBase64.Decode(buffer.ToArray());
    }

    private static X509Certificate2 CreateCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Scripted EST test CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var sans = new SubjectAlternativeNameBuilder();
        sans.AddIpAddress(IPAddress.Loopback);
        sans.AddDnsName("localhost");
        request.CertificateExtensions.Add(sans.Build());
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        return X509CertificateLoader.LoadPkcs12(certificate.Export(X509ContentType.Pkcs12), null);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
