using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>
/// REST API keys: "est_ID_SECRET", shown once. Storage keeps the id and the SHA-256 of the 256-bit secret;
/// the check compares in constant time. A key carries a role (the same as administrators'), an expiry
/// (<see cref="DefaultLifetimeDays"/> unless chosen, at most <see cref="MaxLifetimeDays"/>) after which it is
/// refused, and the time it was last used, written at most once per <see cref="LastUseResolution"/>.
/// </summary>
public sealed class ApiKeyService
{
    public const int DefaultLifetimeDays = 90;
    public const int MaxLifetimeDays = 730;

    /// <summary>A key's last use is recorded to this resolution, so a busy key costs one write per interval.</summary>
    public static readonly TimeSpan LastUseResolution = TimeSpan.FromMinutes(1);

    private const string Prefix = "est_";
    private readonly IManagementStore _store;
    private readonly TimeProvider _time;

    public ApiKeyService(IManagementStore store, TimeProvider time)
    {
        _store = store;
        _time = time;
    }

    /// <summary>Creates a key valid for <paramref name="lifetimeDays"/> days (default 90); returns the key text (shown once) and its record, or a problem.</summary>
    public async Task<(string? Key, ApiKeyRecord? Record, string? Problem)> CreateAsync(string name, string? role, int? lifetimeDays, string actor, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length is 0 or > 100)
        {
            return (null, null, "name the key (1 to 100 characters)");
        }

        if (!AdminRoles.TryParse(role, out var parsed))
        {
            return (null, null, $"role must be one of {string.Join(", ", AdminRoles.Names)}");
        }

        var days = lifetimeDays ?? DefaultLifetimeDays;
        if (days is < 1 or > MaxLifetimeDays)
        {
            return (null, null, $"the key's lifetime must be 1 to {MaxLifetimeDays} days");
        }

        var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var secret = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var now = _time.GetUtcNow();
        var record = new ApiKeyRecord
        {
            Id = id,
            Name = name,
            Role = parsed,
            SecretHash = Hash(secret),
            CreatedAt = now,
            CreatedBy = actor,
            ExpiresAt = now.AddDays(days),
        };
        await _store.InsertApiKeyAsync(
            record,
            new AuditEvent(now, "apikey.created", actor, $"API key {id} '{name}' role {AdminRoles.Name(parsed)}, expires {record.ExpiresAt:yyyy-MM-dd HH:mm} UTC"),
            cancellationToken);
        return ($"{Prefix}{id}_{secret}", record, null);
    }

    /// <summary>
    /// The key record when <paramref name="key"/> is a valid, unexpired key, else null and the reason (which never
    /// says more than the caller could know: an unknown id and a wrong secret read the same). Records the use.
    /// </summary>
    public async Task<(ApiKeyRecord? Record, string Problem)> VerifyAsync(string key, CancellationToken cancellationToken)
    {
        const string Invalid = "the API key is not valid (unknown, deleted or mistyped)";
        var parts = key.Trim().Split('_');
        if (parts.Length != 3 || parts[0] + "_" != Prefix || parts[1].Length != 16 || parts[2].Length == 0)
        {
            return (null, Invalid);
        }

        var record = await _store.FindApiKeyAsync(parts[1], cancellationToken);
        if (record is null)
        {
            return (null, Invalid);
        }

        var expected = Encoding.ASCII.GetBytes(record.SecretHash);
        var actual = Encoding.ASCII.GetBytes(Hash(parts[2]));
        if (!CryptographicOperations.FixedTimeEquals(expected, actual))
        {
            return (null, Invalid);
        }

        var now = _time.GetUtcNow();
        if (record.ExpiresAt is { } expires && expires <= now)
        {
            return (null, string.Create(CultureInfo.InvariantCulture, $"the API key {record.Id} ('{record.Name}') expired at {expires:yyyy-MM-dd HH:mm} UTC; create a new one"));
        }

        if (record.LastUsedAt is not { } last || last <= now - LastUseResolution)
        {
            await _store.RecordApiKeyUseAsync(record.Id, now, now - LastUseResolution, cancellationToken);
        }

        return (record, "");
    }

    public Task<IReadOnlyList<ApiKeyRecord>> ListAsync(CancellationToken cancellationToken) => _store.ListApiKeysAsync(cancellationToken);

    public Task<bool> DeleteAsync(string id, string actor, CancellationToken cancellationToken) =>
        _store.DeleteApiKeyAsync(id, new AuditEvent(_time.GetUtcNow(), "apikey.deleted", actor, $"API key {id}"), cancellationToken);

    private static string Hash(string secret) => Convert.ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
