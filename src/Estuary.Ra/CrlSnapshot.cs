using Estuary.Ca;

namespace Estuary.Ra;

/// <summary>A signed CRL and what it was made from (the revocations it lists, by fingerprint).</summary>
public sealed record CrlSnapshot(byte[] Der, long Number, DateTimeOffset ThisUpdate, DateTimeOffset NextUpdate, string Fingerprint)
{
    /// <summary>The key identifier (hex) of the issuing CA that signed it.</summary>
    public string KeyIdentifier { get; init; } = "";

    /// <summary>The store's revocation generation when its revocations were read (IEstuaryStore.RevocationGenerationAsync).</summary>
    public long Generation { get; init; } = -1;

    /// <summary>
    /// The entries it lists, kept so that partition CRLs (<see cref="PartitionCrls"/>, RFC 5280 §5.2.5) are cut from the
    /// very same list without reading storage again (about 100 bytes each in memory).
    /// </summary>
    public IReadOnlyList<CrlEntry> Entries { get; init; } = [];

    /// <summary>The issuing CA (one fixed generation) that signed it: partitions are signed with the same key and signer.</summary>
    public CertificateAuthority? Issuer { get; init; }
}
