namespace Estuary.Storage;

/// <summary>
/// A REST API key. The key is shown once; storage keeps its id (the public part, for lookup) and the
/// SHA-256 of its 256-bit random secret (a slow hash adds nothing for a secret of that entropy).
/// </summary>
public sealed record ApiKeyRecord
{
    public required string Id { get; init; }

    public required string Name { get; init; }

    /// <summary>What the key may do (the same roles as administrators).</summary>
    public required AdminRole Role { get; init; }

    /// <summary>Base64 SHA-256 of the secret part.</summary>
    public required string SecretHash { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required string CreatedBy { get; init; }

    /// <summary>Refused from then on. Null only for keys created before keys had an expiry (they never expire).</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>When the key last authenticated a request, to the minute (null: never used).</summary>
    public DateTimeOffset? LastUsedAt { get; init; }
}
