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

    private sealed record CaCertsCache(string Key, byte[] Body);
}
