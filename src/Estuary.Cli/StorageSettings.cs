using Estuary.Storage;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>What <see cref="StorageFlags.Bind"/> resolved: the whole configuration, the data folder and the storage options.</summary>
internal sealed record StorageSettings(IConfigurationRoot Configuration, string DataDir, StorageOptions Storage)
{
    /// <summary>True for the SQLite store (validates the provider name: throws ArgumentException on an unknown one).</summary>
    public bool IsSqlite => Storage.NormalizedProvider == StorageOptions.Sqlite;
}
