using Estuary.Protocol;

namespace Estuary.Ra;

/// <summary>The /cacerts body, rebuilt when the issuing CA is renewed while the server runs.</summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>
    /// RFC 7030 §4.1.3: the current CA certificates, including the trust anchor the client should hold: the issuing
    /// CA first, its chain to the root, during a root rollover the other root and the links, and the issuing CAs a
    /// renewal replaced while they are valid (relying parties still need them to validate what those issued).
    /// </summary>
    private byte[] CaCertsBody()
    {
        var current = _caCertsCache;
        var generations = _ca.Generations;
        var key = string.Join(',', generations.Select(g => g.KeyIdentifierHex));
        if (current is not null && current.Key == key)
        {
            return current.Body;
        }

        var body = CertsOnly.Encode([
            _ca.Certificate.RawDataMemory,
            .. _ca.Chain.Select(c => c.RawDataMemory),
            .. _ca.RolloverCertificates.Select(c => c.RawDataMemory),
            .. _ca.Previous.Select(p => p.Certificate.RawDataMemory)]);
        _caCertsCache = new CaCertsCache(key, body);
        return body;
    }

    /// <summary>
    /// /cacerts of a label on a further hierarchy (e.g. ML-DSA): that hierarchy's issuing CA, its root, during its root
    /// rollover the other root and the links (as the main CA's), and the issuing CAs a renewal replaced. Small and
    /// rarely asked for, so built on each request.
    /// </summary>
    private static byte[] HierarchyCaCertsBody(Ca.CertificateAuthority ca) => CertsOnly.Encode([
        ca.Certificate.RawDataMemory,
        .. ca.Chain.Select(c => c.RawDataMemory),
        .. ca.RolloverCertificates.Select(c => c.RawDataMemory),
        .. ca.Previous.Select(p => p.Certificate.RawDataMemory)]);

    /// <summary>The issuing CA that signs for <paramref name="profile"/>; null when its hierarchy is not configured.</summary>
    private Ca.CertificateAuthority? CaOf(Profile profile) => profile.Hierarchy is null ? _ca : _hierarchies.For(profile);

    /// <summary>A label naming a hierarchy the CA configuration lacks (the configuration check refuses that at start).</summary>
    private static EstError HierarchyMissing(Profile profile) =>
        new(EstErrorKind.Unavailable, $"label '{profile.Label}' issues under CA hierarchy '{profile.Hierarchy}', which is not configured (Estuary:Ca:Hierarchies)", TimeSpan.FromSeconds(60));

    private sealed record CaCertsCache(string Key, byte[] Body);
}
