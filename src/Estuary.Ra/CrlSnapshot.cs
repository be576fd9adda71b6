namespace Estuary.Ra;

/// <summary>A signed CRL and what it was made from (the revocations it lists, by fingerprint).</summary>
public sealed record CrlSnapshot(byte[] Der, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, string Fingerprint)
{
    /// <summary>The key identifier (hex) of the issuing CA that signed it.</summary>
    public string KeyIdentifier { get; init; } = "";

    /// <summary>The store's revocation generation when its revocations were read (IEstuaryStore.RevocationGenerationAsync).</summary>
    public long Generation { get; init; } = -1;
}
