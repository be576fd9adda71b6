using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace Estuary.Server;

/// <summary>
/// The listeners the server opens (<see cref="EstuaryListener"/>): their URLs, checked when the server is
/// built; the Kestrel endpoints, each tagging its connections so that <see cref="ListenerGuard"/> applies
/// that listener's route table whatever port it got; and, once started, the address each one is bound to.
/// </summary>
public sealed class EstuaryListeners
{
    /// <summary>Each listener's key, scheme and why; the plain-HTTP one is optional.</summary>
    internal static readonly (EstuaryListener Listener, string Key, string Scheme, string Why)[] Definitions =
    [
        (EstuaryListener.Est, "Estuary:Listen", Uri.UriSchemeHttps, "EST runs over TLS only, RFC 7030 §3.3"),
        (EstuaryListener.Admin, "Estuary:Admin:Listen", Uri.UriSchemeHttps, "the console and API run over TLS only"),
        (EstuaryListener.PlainHttp, "Estuary:HttpListen", Uri.UriSchemeHttp, "it serves CRLs and OCSP only"),
    ];

    private readonly List<(EstuaryListener Listener, string Key, Uri Url)> _configured = [];
    private readonly List<(EstuaryListener Listener, ListenOptions Options)> _bound = [];

    /// <summary>Checks the listen URLs: EST and admin over https, the optional plain listener over http, no port shared.</summary>
    public EstuaryListeners(string listen, string adminListen, string? httpListen)
    {
        foreach (var (definition, value) in Definitions.Zip(new[] { listen, adminListen, httpListen }))
        {
            if (!string.IsNullOrWhiteSpace(value) || definition.Listener != EstuaryListener.PlainHttp)
            {
                Add(definition.Listener, definition.Key, value ?? "", definition.Scheme, definition.Why);
            }
        }

        // Two listeners on one port would be one listener, and the route table could no longer tell the
        // internet's EST clients from the operators. Port 0 (any free port) is never shared.
        foreach (var (first, second) in _configured.SelectMany((a, i) => _configured.Skip(i + 1).Select(b => (a, b))))
        {
            if (first.Url.Port != 0 && first.Url.Port == second.Url.Port)
            {
                throw new ArgumentException($"{second.Key}: \"{second.Url.OriginalString}\" {SharedPort(first.Key, first.Url.OriginalString)}");
            }
        }
    }

    /// <summary>The configured URL of <paramref name="listener"/> as people type it (0.0.0.0 shown as localhost), or null when it is off.</summary>
    public Uri? Configured(EstuaryListener listener) =>
        _configured.Where(c => c.Listener == listener).Select(c => Reachable(c.Url, c.Url.Port)).FirstOrDefault();

    /// <summary>Opens every configured listener; <paramref name="https"/> sets up TLS on the EST and admin ones.</summary>
    public void Listen(KestrelServerOptions kestrel, Action<ListenOptions> https)
    {
        foreach (var (listener, _, url) in _configured)
        {
            var feature = new ListenerFeature(listener);
            void Configure(ListenOptions options)
            {
                options.Use(next => connection =>
                {
                    connection.Features.Set(feature);
                    return next(connection);
                });
                if (listener == EstuaryListener.PlainHttp)
                {
                    options.Protocols = HttpProtocols.Http1;
                }
                else
                {
                    https(options);
                }

                lock (_bound)
                {
                    _bound.Add((listener, options));
                }
            }

            if (url.Host is "localhost")
            {
                kestrel.ListenLocalhost(url.Port, Configure);
            }
            else
            {
                kestrel.Listen(IPAddress.Parse(url.Host.Trim('[', ']')), url.Port, Configure);
            }
        }
    }

    /// <summary>
    /// After start: where <paramref name="listener"/> answers, with the port it was actually given (port 0
    /// becomes the free port Kestrel chose); null when that listener is off.
    /// </summary>
    public Uri? Address(EstuaryListener listener)
    {
        ListenOptions? options;
        lock (_bound)
        {
            options = _bound.Where(b => b.Listener == listener).Select(b => b.Options).FirstOrDefault();
        }

        var url = _configured.Where(c => c.Listener == listener).Select(c => c.Url).FirstOrDefault();
        return options is null || url is null ? null : Reachable(url, (options.EndPoint as IPEndPoint)?.Port ?? url.Port);
    }

    private void Add(EstuaryListener listener, string key, string value, string scheme, string why)
    {
        if (Parse(value, scheme, why, out var url) is { } problem)
        {
            throw new ArgumentException($"{key}: \"{value}\" {problem}");
        }

        _configured.Add((listener, key, url!));
    }

    /// <summary>
    /// Reads a listen URL: null and the URL when it is usable, else what is wrong with it (also used by the
    /// configuration check, so both say the same).
    /// </summary>
    internal static string? Parse(string value, string scheme, string why, out Uri? url)
    {
        if (!Uri.TryCreate(value.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal), UriKind.Absolute, out url)
            || url.Scheme != scheme)
        {
            url = null;
            return $"is not an {scheme}://HOST:PORT URL ({why}); write e.g. {scheme}://127.0.0.1:8443";
        }

        if (url.Host is not "localhost" && !IPAddress.TryParse(url.Host.Trim('[', ']'), out _))
        {
            url = null;
            return "does not name an IP address, localhost or * as its host (Kestrel listens on addresses, not DNS names)";
        }

        return null;
    }

    /// <summary>What the duplicate-port check says, in the constructor and in the configuration check.</summary>
    internal static string SharedPort(string firstKey, string firstValue) =>
        $"uses the port of {firstKey} (\"{firstValue}\"): give each listener a port of its own";

    private static Uri Reachable(Uri url, int port)
    {
        var host = url.Host is "0.0.0.0" or "[::]" ? "localhost" : url.Host;
        return new Uri($"{url.Scheme}://{host}:{port}");
    }
}
