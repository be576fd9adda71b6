using System.Net.Sockets;
using Estuary.Server.Coaps;

namespace Estuary.Server.Configuration;

/// <summary>
/// Estuary:Coaps (RFC 9148): the listen address, and when the server is starting, that the UDP port can be bound;
/// block size a power of two from 16 to 1024 (RFC 7959 §2.2); every limit above zero.
/// </summary>
internal sealed class CoapsRule : IConfigurationRule
{
    private const string Section = "Estuary:Coaps";

    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        if (context.Bind<CoapsOptions>(Section) is not { } coaps)
        {
            return ValueTask.CompletedTask;
        }

        if (!string.IsNullOrWhiteSpace(coaps.Listen))
        {
            if (CoapsAddress.Parse(coaps.Listen, out var problem) is not { } endpoint)
            {
                context.Add(Section + ":Listen", coaps.Listen, problem!);
            }
            else if (context.Starting && endpoint.Port != 0 && BindProblem(endpoint) is { } bind)
            {
                context.Add(Section + ":Listen", coaps.Listen, bind);
            }
        }

        if (coaps.BlockSize is not (16 or 32 or 64 or 128 or 256 or 512 or 1024))
        {
            context.Add(Section + ":BlockSize", coaps.BlockSize.ToString(), "must be a power of two from 16 to 1024 (RFC 7959 §2.2)");
        }

        Positive(context, "MaxSessions", coaps.MaxSessions);
        Positive(context, "MaxSessionsPerAddress", coaps.MaxSessionsPerAddress);
        Positive(context, "MaxRequestBodyBytes", coaps.MaxRequestBodyBytes);
        Positive(context, "MaxExchangesPerSession", coaps.MaxExchangesPerSession);
        Positive(context, "MaxReassemblyBytes", coaps.MaxReassemblyBytes);
        if (coaps.HandshakeTimeout <= TimeSpan.Zero || coaps.HandshakeTimeout > TimeSpan.FromMinutes(5))
        {
            context.Add(Section + ":HandshakeTimeout", coaps.HandshakeTimeout.ToString(), "must be longer than zero and at most 00:05:00");
        }

        if (coaps.SessionIdleTimeout <= TimeSpan.Zero || coaps.SessionIdleTimeout > TimeSpan.FromDays(1))
        {
            context.Add(Section + ":SessionIdleTimeout", coaps.SessionIdleTimeout.ToString(), "must be longer than zero and at most 1.00:00:00");
        }

        return ValueTask.CompletedTask;
    }

    private static void Positive(ConfigurationCheckContext context, string name, int value)
    {
        if (value <= 0)
        {
            context.Add(Section + ":" + name, value.ToString(), "must be above zero");
        }
    }

    /// <summary>Binds the UDP port for a moment: in use, or below 1024 without the capability, is said now.</summary>
    private static string? BindProblem(System.Net.IPEndPoint endpoint)
    {
        using var socket = new Socket(endpoint.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        try
        {
            socket.Bind(endpoint);
            return null;
        }
        catch (SocketException e)
        {
            return e.SocketErrorCode switch
            {
                SocketError.AddressAlreadyInUse => $"UDP port {endpoint.Port} is already in use: stop the other program or choose another port",
                SocketError.AccessDenied => $"UDP port {endpoint.Port} needs root or CAP_NET_BIND_SERVICE (ports below 1024): the coaps port is 5684",
                SocketError.AddressNotAvailable => $"{endpoint.Address} is not an address of this host",
                _ => $"cannot listen there: {e.Message}",
            };
        }
    }
}
