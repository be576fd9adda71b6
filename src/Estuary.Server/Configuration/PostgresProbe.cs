using System.Net.Sockets;
using Npgsql;

namespace Estuary.Server.Configuration;

/// <summary>Opens one connection to each PostgreSQL host of a connection string and says why none answered.</summary>
internal static class PostgresProbe
{
    /// <summary>Null when a host accepts the connection (a multi-host list needs one), else one reason per host.</summary>
    public static async Task<string?> FirstReachableAsync(NpgsqlConnectionStringBuilder configured, int timeoutSeconds, CancellationToken cancellationToken)
    {
        var reasons = new List<string>();
        foreach (var host in (configured.Host ?? "localhost").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var builder = new NpgsqlConnectionStringBuilder(configured.ConnectionString)
            {
                Host = host,
                Timeout = Math.Min(configured.Timeout is > 0 ? configured.Timeout : timeoutSeconds, timeoutSeconds),
                Pooling = false,
                TargetSessionAttributes = null,
            };
            var where = host.StartsWith('/') ? host : host.Contains(':', StringComparison.Ordinal) ? host : $"{host}:{builder.Port}";
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(cancellationToken);
                return null;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or SocketException or ArgumentException or InvalidOperationException)
            {
                reasons.Add($"{where}: {Reason(e, builder)}");
            }
        }

        return "PostgreSQL does not answer at " + string.Join("; ", reasons) + "; start it, or correct Host/Port/Username/Password in the connection string";
    }

    private static string Reason(Exception error, NpgsqlConnectionStringBuilder builder)
    {
        for (var e = error; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException { SqlState: "28P01" or "28000" }:
                    return $"authentication failed for user '{builder.Username}'";
                case PostgresException { SqlState: "3D000" }:
                    return $"database '{builder.Database}' does not exist";
                case PostgresException pg:
                    return pg.MessageText;
                case SocketException { SocketErrorCode: SocketError.ConnectionRefused }:
                    return "connection refused (nothing listens on that port)";
                case SocketException { SocketErrorCode: SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData }:
                    return "host name not found (DNS)";
                case SocketException { SocketErrorCode: SocketError.TimedOut }:
                case TimeoutException:
                    return $"no answer within {builder.Timeout} s (a firewall, or the wrong host)";
                case SocketException socket:
                    return socket.Message;
            }
        }

        return error.Message;
    }
}
