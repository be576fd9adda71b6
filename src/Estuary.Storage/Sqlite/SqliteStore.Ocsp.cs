namespace Estuary.Storage.Sqlite;

/// <summary>The status lookup behind OCSP answers of <see cref="SqliteStore"/>.</summary>
public sealed partial class SqliteStore
{
    public async Task<CertificateRevocationStatus?> FindRevocationStatusAsync(string serial, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT issuer, revoked_at, revocation_reason FROM certificates WHERE serial = $serial";
        command.Parameters.AddWithValue("$serial", serial.ToUpperInvariant());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new CertificateRevocationStatus(
            reader.GetString(0),
            reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            reader.IsDBNull(2) ? null : reader.GetInt32(2));
    }
}
