using System.Globalization;
using System.Net;

namespace Estuary.Server.Coaps;

/// <summary>Reads Estuary:Coaps:Listen: coaps://HOST:PORT with an IP address, localhost, or * (every interface).</summary>
public static class CoapsAddress
{
    public const string Scheme = "coaps";

    /// <summary>RFC 7252 §12.7: the default port of coaps.</summary>
    public const int DefaultPort = 5684;

    /// <summary>The UDP endpoint, or null with a problem phrased for the configuration check.</summary>
    public static IPEndPoint? Parse(string value, out string? problem)
    {
        problem = null;
        var text = value.Trim();
        var prefix = Scheme + "://";
        if (!text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            problem = "must be coaps://HOST:PORT (UDP; e.g. coaps://0.0.0.0:5684), or empty to leave the CoAP listener off";
            return null;
        }

        var authority = text[prefix.Length..].TrimEnd('/');
        var colon = authority.LastIndexOf(':');
        var closing = authority.LastIndexOf(']');
        string host;
        var port = DefaultPort;
        if (colon > closing)
        {
            host = authority[..colon];
            if (!int.TryParse(authority[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
            {
                problem = $"the port '{authority[(colon + 1)..]}' is not a number from 0 to 65535";
                return null;
            }
        }
        else
        {
            host = authority;
        }

        IPAddress? address = host switch
        {
            "*" => IPAddress.IPv6Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host.Trim('[', ']'), out var parsed) ? parsed : null,
        };
        if (address is null)
        {
            problem = $"the host '{host}' must be an IP address, localhost or * (a name could resolve to several addresses)";
            return null;
        }

        return new IPEndPoint(address, port);
    }
}
