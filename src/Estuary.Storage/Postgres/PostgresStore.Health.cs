namespace Estuary.Storage.Postgres;

/// <summary>Readiness of <see cref="PostgresStore"/>.</summary>
public sealed partial class PostgresStore
{
    public async Task<bool> IsAvailableAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await QueryAsync("SELECT 1", null, async (r, ct) => await r.ReadAsync(ct) && r.GetInt32(0) == 1, cancellationToken);
        }
        catch (StorageUnavailableException)
        {
            return false;
        }
    }
}
