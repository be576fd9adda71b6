using System.Security.Cryptography.X509Certificates;

namespace Estuary.Bench.Load;

/// <summary>HttpClients that trust only the server's root.</summary>
internal static class Http
{
    public static HttpClient CreateClient(Arguments options, bool handshakePerRequest, X509Certificate2? clientCertificate)
    {
        var root = X509Certificate2.CreateFromPem(File.ReadAllText(options.Get("root")));
        var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
        policy.CustomTrustStore.Add(root);
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1024,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
        };
        handler.SslOptions.CertificateChainPolicy = policy;
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(options.Get("url").TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }
}
