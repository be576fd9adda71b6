using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;

namespace Estuary.Ra;

/// <summary>
/// The issuing CAs this server runs, by hierarchy: the main one and each of Estuary:Ca:Hierarchies (e.g. ML-DSA).
/// A label's profile names its hierarchy (<see cref="Profile.Hierarchy"/>); revocation, OCSP and client
/// certificates look at all of them, since a certificate of any hierarchy can be revoked or renew itself.
/// </summary>
public sealed class IssuerHierarchies
{
    private readonly IReadOnlyDictionary<string, CertificateAuthority> _further;

    public IssuerHierarchies(CertificateAuthority main, IReadOnlyDictionary<string, CertificateAuthority> further)
    {
        Main = main;
        _further = further;
    }

    public CertificateAuthority Main { get; }

    /// <summary>The names of the further hierarchies (Estuary:Ca:Hierarchies), not "default".</summary>
    public IReadOnlyCollection<string> Names => [.. _further.Keys.Order(StringComparer.Ordinal)];

    /// <summary>The further hierarchies' issuing CAs (not the main one).</summary>
    public IEnumerable<CertificateAuthority> Further => _further.Values;

    /// <summary>The main CA first, then the further ones.</summary>
    public IReadOnlyList<CertificateAuthority> All => [Main, .. _further.Values];

    public static IssuerHierarchies From(CaMaterial material) =>
        new(material.Issuing, material.Hierarchies.ToDictionary(h => h.Name, h => h.Issuing, StringComparer.Ordinal));

    /// <summary>The issuing CA of a profile: its hierarchy's, the main one when it names none; null when it names one not configured.</summary>
    public CertificateAuthority? For(Profile profile) =>
        profile.Hierarchy is null ? Main : _further.GetValueOrDefault(profile.Hierarchy);

    /// <summary>True when any hierarchy's issuing CA (current, renewed-away or predecessor) signed <paramref name="certificate"/>.</summary>
    public bool IssuedByAny(X509Certificate2 certificate) => All.Any(ca => ca.IssuedThis(certificate));

    /// <summary>
    /// Every generation of every further hierarchy (for CRLs and OCSP), with the issuing CA a root rollover replaced
    /// (its <see cref="CertificateAuthority.Predecessor"/>): its certificates keep answers signed by their own issuer.
    /// </summary>
    public IEnumerable<CertificateAuthority> FurtherGenerations =>
        _further.Values.SelectMany(ca => ca.Predecessor is { } predecessor ? [.. ca.Generations, .. predecessor.Generations] : ca.Generations);
}
