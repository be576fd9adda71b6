using System.Net;
using System.Net.Sockets;
using Estuary.Admin;

namespace Estuary.Server.Configuration;

/// <summary>
/// The listen URLs: scheme and host as <see cref="EstuaryListeners"/> reads them, one port per listener, and when
/// the server is starting, that each port can be bound now (in use, or below 1024 without the capability).
/// </summary>
internal sealed class ListenRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        string?[] defaults = [new EstuaryOptions().Listen, new AdminOptions().Listen, null];
        var usable = new List<(string Key, string Value, Uri Url)>();
        foreach (var (definition, fallback) in EstuaryListeners.Definitions.Zip(defaults))
        {
            var value = context.Value(definition.Key, fallback);
            if (string.IsNullOrWhiteSpace(value) && definition.Listener == EstuaryListener.PlainHttp)
            {
                continue;
            }

            if (EstuaryListeners.Parse(value ?? "", definition.Scheme, definition.Why, out var url) is { } problem)
            {
                context.Add(definition.Key, value ?? "", problem);
                continue;
            }

            if (usable.FirstOrDefault(u => u.Url.Port != 0 && u.Url.Port == url!.Port) is { Key: not null } first)
            {
                context.Add(definition.Key, value, EstuaryListeners.SharedPort(first.Key, first.Value));
                continue;
            }

            usable.Add((definition.Key, value!, url!));
        }

        if (context.Starting)
        {
            foreach (var (key, value, url) in usable.Where(u => u.Url.Port != 0))
            {
                if (BindProblem(url) is { } problem)
                {
                    context.Add(key, value, problem);
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Binds the address for a moment; a failure here would otherwise surface after the CA was made.</summary>
    private static string? BindProblem(Uri url)
    {
        var address = url.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(url.Host.Trim('[', ']'));
        var listener = new TcpListener(address, url.Port);
        try
        {
            listener.Start();
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"port {url.Port} is already in use: stop the other program or choose another port",
                SocketError.AccessDenied => $"port {url.Port} needs root or CAP_NET_BIND_SERVICE (ports below 1024): choose a port from 1024 or grant the capability",
                SocketError.AddressNotAvailable => $"{url.Host} is not an address of this host",
                _ => $"cannot listen there: {e.Message}",
            };
        }
        finally
        {
            listener.Stop();
        }
    }
}
