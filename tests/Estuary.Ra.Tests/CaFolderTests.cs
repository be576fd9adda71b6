using Estuary.Ca;
using Estuary.Storage.Sqlite;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>A throwaway data folder with a P-256 CA and a SQLite store, for the CRL and revocation tests.</summary>
public abstract class CaFolderTests(string prefix) : IAsyncLifetime
{
    protected static CaOptions Options { get; } = new() { IssuingKeyAlgorithm = "P-256" };

    protected string Dir { get; } = Directory.CreateTempSubdirectory(prefix).FullName;

    protected CaMaterial Material { get; private set; } = null!;

    protected SqliteStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Material = CaDirectory.LoadOrCreate(Dir, Options, TimeProvider.System);
        PrepareFolder();
        Store = await SqliteStore.OpenAsync(Path.Combine(Dir, "estuary.db"));
    }

    public async Task DisposeAsync()
    {
        await Store.DisposeAsync();
        Material.Dispose();
        Directory.Delete(Dir, recursive: true);
    }

    /// <summary>Between the CA's creation and the store's opening (e.g. an issuing CA renewal).</summary>
    protected virtual void PrepareFolder()
    {
    }
}
