using Estuary.Storage.Sqlite;

namespace Estuary.Storage.Tests;

/// <summary>The management-store contract against SQLite: a database file in a temp folder.</summary>
public sealed class SqliteManagementStoreTests : ManagementStoreContract
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "estuary-mgmt-" + Guid.NewGuid().ToString("N")[..12]);

    protected override async Task<IEstuaryStore> OpenStoreAsync()
    {
        Directory.CreateDirectory(_dir);
        return await SqliteStore.OpenAsync(Path.Combine(_dir, "estuary.db"));
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
