namespace Estuary.Ra;

/// <summary>CRL and OCSP timing (section "Estuary:Revocation").</summary>
public sealed class RevocationOptions
{
    /// <summary>nextUpdate - thisUpdate of each CRL (RFC 5280 §5.1.2.5).</summary>
    public TimeSpan CrlValidity { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A CRL is re-signed once this much of its validity remains, well before relying parties see it expire.</summary>
    public TimeSpan CrlRenewBefore { get; set; } = TimeSpan.FromHours(12);

    /// <summary>How often the server looks for revocations made elsewhere (the CLI, another node) to re-sign the CRL.</summary>
    public TimeSpan RecheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>nextUpdate - thisUpdate of each OCSP response (RFC 6960 §2.4); also its HTTP cache lifetime.</summary>
    public TimeSpan OcspValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Lifetime of the delegated OCSP signing certificate; it is reissued when a third of it remains.</summary>
    public TimeSpan OcspSignerValidity { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// Pre-produced OCSP responses kept in memory (RFC 5019 §2.2.1), one per certificate asked about (about 1.7 KB each);
    /// 0 turns the cache off.
    /// </summary>
    public int OcspCacheEntries { get; set; } = 10_000;

    /// <summary>
    /// 0 (off), or a power of two from 2 to 256: certificates issued from now on name the partition CRL of their serial
    /// (RFC 5280 §5.2.5 issuingDistributionPoint; <c>Estuary.Ca.CrlPartition</c>) instead of the full CRL.
    /// </summary>
    public int CrlPartitions { get; set; }
}
