using Estuary.Storage.Postgres;
using Estuary.Testing;
using Xunit;

namespace Estuary.Storage.Tests;

/// <summary>The management-store contract against PostgreSQL: a fresh database per test in a throwaway cluster.</summary>
public sealed class PostgresManagementStoreTests(PostgresCluster cluster) : ManagementStoreContract, IClassFixture<PostgresCluster>
{
    private string? _connectionString;

    protected override async Task<IEstuaryStore> OpenStoreAsync()
    {
        _connectionString ??= await cluster.CreateDatabaseAsync();
        return await PostgresStore.OpenAsync(_connectionString);
    }
}
