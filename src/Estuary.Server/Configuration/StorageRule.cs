using Estuary.Storage;
using Npgsql;

namespace Estuary.Server.Configuration;

/// <summary>
/// Storage: a known provider, and for PostgreSQL a connection string that parses and a server that answers now,
/// named by host and port with the reason, so a typo does not surface after the CA was created.
/// </summary>
internal sealed class StorageRule : IConfigurationRule
{
    /// <summary>A connection attempt waits at most this long: a firewall that drops packets must not stall the start for minutes.</summary>
    internal const int ConnectTimeoutSeconds = 5;

    public async ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        if (context.Bind<StorageOptions>("Estuary:Storage") is not { } storage)
        {
            return;
        }

        string provider;
        try
        {
            provider = storage.NormalizedProvider;
        }
        catch (ArgumentException)
        {
            context.Add("Estuary:Storage:Provider", storage.Provider, "is not sqlite or postgres");
            return;
        }

        if (provider != StorageOptions.Postgres)
        {
            return;
        }

        const string key = "Estuary:Storage:ConnectionString";
        if (string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            context.Add(key, null, "is not set: Estuary:Storage:Provider is postgres, give e.g. \"Host=db1;Database=estuary;Username=estuary\" (the password best from Estuary__Storage__ConnectionString in the environment)");
            return;
        }

        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(storage.ConnectionString);
        }
        catch (Exception e) when (e is ArgumentException or FormatException)
        {
            context.Add(key, storage.ConnectionString, $"is not a PostgreSQL connection string: {e.Message}");
            return;
        }

        if (await PostgresProbe.FirstReachableAsync(builder, ConnectTimeoutSeconds, cancellationToken) is { } unreachable)
        {
            context.Add(key, storage.ConnectionString, unreachable);
        }
    }
}
