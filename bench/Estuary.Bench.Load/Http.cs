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
        // --tls 1.2 or 1.3 pins the version (the handshake costs differ); without it the client offers both.
        handler.SslOptions.EnabledSslProtocols = options.Get("tls", "any") switch
        {
            "1.2" => System.Security.Authentication.SslProtocols.Tls12,
            "1.3" => System.Security.Authentication.SslProtocols.Tls13,
            "any" => System.Security.Authentication.SslProtocols.None,
            var other => throw new ArgumentException($"--tls {other}: use 1.2 or 1.3"),
        };
        if (clientCertificate is not null)
        {
            handler.SslOptions.ClientCertificates = [clientCertificate];
        }

        return new HttpClient(handler, disposeHandler: true) { BaseAddress = new Uri(options.Get("url").TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
    }
}
