using System.Security.Cryptography;
using System.Text;
using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>
/// REST API keys: "est_ID_SECRET", shown once. Storage keeps the id and the SHA-256 of the 256-bit secret;
/// the check compares in constant time. Scope "read" allows GET, "write" everything.
/// </summary>
public sealed class ApiKeyService
{
    public const string ReadScope = "read";
    public const string WriteScope = "write";
    private const string Prefix = "est_";
    private readonly IManagementStore _store;
    private readonly TimeProvider _time;

    public ApiKeyService(IManagementStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Creates a key; returns the key text (shown once) or a problem.</summary>
    public async Task<(string? Key, string? Problem)> CreateAsync(string name, string scope, string actor, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            return (null, "name the key (1 to 100 characters)");
        }

        if (scope is not (ReadScope or WriteScope))
        {
            return (null, "scope must be read or write");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = _time.GetUtcNow();
        await _store.InsertApiKeyAsync(
            new ApiKeyRecord { Id = id, Name = name, Scope = scope, SecretHash = Hash(secret), CreatedAt = now, CreatedBy = actor },
            new AuditEvent(now, "apikey.created", actor, $"API key {id} '{name}' scope {scope}"),
            cancellationToken);
        return ($"{Prefix}{id}_{secret}", null);
    }

    /// <summary>The key record when <paramref name="key"/> is a valid key, else null.</summary>
    public async Task<ApiKeyRecord?> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        var parts = key.Trim().Split('_');
        if (parts.Length != 3 || parts[0] + "_" != Prefix || parts[1].Length != 16 || parts[2].Length == 0)
        {
            return null;
        }

        var record = await _store.FindApiKeyAsync(parts[1], cancellationToken);
        if (record is null)
        {
            return null;
        }

        var expected = Encoding.ASCII.GetBytes(record.SecretHash);
        var actual = Encoding.ASCII.GetBytes(Hash(parts[2]));
        return CryptographicOperations.FixedTimeEquals(expected, actual) ? record : null;
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => _store.ListApiKeysAsync(cancellationToken);

    public Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken) =>
        _store.DeleteApiKeyAsync(id, new AuditEvent(_time.GetUtcNow(), "apikey.deleted", actor, $"API key {id}"), cancellationToken);

    private static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
