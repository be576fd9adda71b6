using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;

namespace Estuary.Ra;

/// <summary>A label's <see cref="ProfileOptions"/>, validated and compiled once: extension DER and lookup sets ready for every request.</summary>
public sealed partial class Profile
{
    private static readonly Dictionary<string, string> EkuOids = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ServerAuth"] = Oids.ServerAuth,
        ["ClientAuth"] = Oids.ClientAuth,
        ["CodeSigning"] = Oids.CodeSigning,
        ["EmailProtection"] = Oids.EmailProtection,
    };

    private Profile(string label)
    {
        Label = label;
    }

    public string Label { get; }

    public TimeSpan Validity { get; private init; }

    public IReadOnlyList<Ca.CertificateExtension> FixedExtensions { get; private init; } = [];

    public IReadOnlySet<string> AllowedCurves { get; private init; } = new HashSet<string>();

    public bool AllowsRsa { get; private init; }

    /// <summary>The ML-DSA parameter sets (RFC 9881 OIDs) a CSR's key may use.</summary>
    public IReadOnlySet<string> AllowedMlDsa { get; private init; } = new HashSet<string>();

    /// <summary>The CA hierarchy that signs for this label (Estuary:Ca:Hierarchies:NAME); null: the main one.</summary>
    public string? Hierarchy { get; private init; }

    /// <summary>The key types a CSR may carry, as AllowedKeys names them (configuration labels and console templates).</summary>
    public static IReadOnlyList<string> SubjectKeyTypes { get; } = ["P-256", "P-384", "P-521", "RSA", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87"];

    public int MinRsaBits { get; private init; }

    public IReadOnlySet<string> SubjectAttributeOids { get; private init; } = new HashSet<string>();

    public IReadOnlySet<GeneralNameType> SanTypes { get; private init; } = new HashSet<GeneralNameType>();

    public int MaxSans { get; private init; }

    /// <summary>Wildcard dNSNames ("*.x.example") may be issued; off unless the label's configuration or template says so.</summary>
    public bool AllowWildcardDnsNames { get; private init; }

    /// <summary>DER CsrAttrs for this label, or null when it asks for nothing (204).</summary>
    public byte[]? CsrAttributes { get; private init; }

    /// <summary>Whether /serverkeygen is allowed on this label (RFC 7030 §4.4).</summary>
    public bool ServerKeyGen { get; private init; }

    /// <summary>The key type /serverkeygen generates.</summary>
    public Ca.KeyAlgorithm ServerKeyAlgorithm { get; private init; } = Ca.KeyAlgorithm.P256;

    /// <summary>Enrollments wait for an administrator's approval (RFC 7030 §4.2.3).</summary>
    public bool RequireApproval { get; private init; }

    /// <summary>The CSR must carry the TLS channel binding in its challengePassword (RFC 7030 §3.5).</summary>
    public bool RequireProofOfPossessionLinking { get; private init; }

    /// <summary>Where /serverkeygen keys are archived (encrypted to this certificate), or null: never kept.</summary>
    public X509Certificate2? ArchiveCertificate { get; private init; }

    /// <summary>The key types accepted, for messages.</summary>
    public string AllowedKeysText { get; private init; } = "";

    /// <exception cref="ArgumentException">Configuration that cannot work, named precisely.</exception>
    public static Profile Compile(string label, ProfileOptions options)
    {
        if (options.ValidityDays is < 1 or > 3650)
        {
            throw new ArgumentException($"label '{label}': ValidityDays must be between 1 and 3650");
        }

        var keyUsage = X509KeyUsageFlags.None;
        foreach (var name in options.KeyUsage)
        {
            if (!Enum.TryParse<X509KeyUsageFlags>(name, ignoreCase: true, out var flag) || flag is X509KeyUsageFlags.KeyCertSign or X509KeyUsageFlags.CrlSign)
            {
                throw new ArgumentException($"label '{label}': KeyUsage '{name}' is not an end-entity key usage");
            }

            keyUsage |= flag;
        }

        var eku = new OidCollection();
        foreach (var name in options.ExtendedKeyUsage)
        {
            var oid = EkuOids.TryGetValue(name, out var known) ? known : name;
            if (!IsDottedOid(oid))
            {
                throw new ArgumentException($"label '{label}': ExtendedKeyUsage '{name}' is neither a known name nor an OID");
            }

            eku.Add(new Oid(oid));
        }

        var curves = new HashSet<string>(StringComparer.Ordinal);
        var rsa = false;
        var mlDsa = new List<string>();
        foreach (var key in options.AllowedKeys)
        {
            switch (key.Trim().ToUpperInvariant())
            {
                case "P-256": curves.Add(Oids.Secp256r1); break;
                case "P-384": curves.Add(Oids.Secp384r1); break;
                case "P-521": curves.Add(Oids.Secp521r1); break;
                case "RSA": rsa = true; break;
                case "ML-DSA-44": mlDsa.Add(Oids.MlDsa44); break;
                case "ML-DSA-65": mlDsa.Add(Oids.MlDsa65); break;
                case "ML-DSA-87": mlDsa.Add(Oids.MlDsa87); break;
                default: throw new ArgumentException($"label '{label}': AllowedKeys '{key}' is not P-256, P-384, P-521, RSA, ML-DSA-44, ML-DSA-65 or ML-DSA-87");
            }
        }

        // RFC 9908: /csrattrs names one key; an ML-DSA type listed first is the label's preferred key.
        var preferMlDsa = options.AllowedKeys.Count > 0 && options.AllowedKeys[0].Trim().StartsWith("ML-DSA", StringComparison.OrdinalIgnoreCase);
        if (curves.Count == 0 && !rsa && mlDsa.Count == 0)
        {
            throw new ArgumentException($"label '{label}': AllowedKeys is empty");
        }

        if (options.MinRsaBits < 2048)
        {
            throw new ArgumentException($"label '{label}': MinRsaBits must be at least 2048");
        }

        var attributes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var a in options.SubjectAttributes)
        {
            attributes.Add(AttributeTypes.Oid(a) is { } oid ? oid : IsDottedOid(a) ? a : throw new ArgumentException($"label '{label}': SubjectAttributes '{a}' is unknown"));
        }

        var sanTypes = new HashSet<GeneralNameType>();
        foreach (var t in options.SanTypes)
        {
            sanTypes.Add(t.Trim().ToUpperInvariant() switch
            {
                "DNS" => GeneralNameType.Dns,
                "IP" => GeneralNameType.IpAddress,
                "EMAIL" => GeneralNameType.Email,
                "URI" => GeneralNameType.Uri,
                _ => throw new ArgumentException($"label '{label}': SanTypes '{t}' is not dns, ip, email or uri"),
            });
        }

        var extensions = new List<Ca.CertificateExtension>();
        if (keyUsage != X509KeyUsageFlags.None)
        {
            extensions.Add(new(Oids.KeyUsage, true, new X509KeyUsageExtension(keyUsage, true).RawData));
        }

        if (eku.Count > 0)
        {
            extensions.Add(new(Oids.ExtendedKeyUsage, false, new X509EnhancedKeyUsageExtension(eku, false).RawData));
        }

        Ca.KeyAlgorithm serverKeyAlgorithm;
        try
        {
            serverKeyAlgorithm = Ca.KeyAlgorithm.Parse(options.ServerKeyAlgorithm);
            // ML-KEM keys come only from serverkeygen (RFC 9935: they cannot sign a CSR); ML-DSA ones are not generated here.
            if (serverKeyAlgorithm.Family == Ca.KeyFamily.MlDsa)
            {
                throw new ArgumentException($"{serverKeyAlgorithm.Name} server-generated keys are not supported yet");
            }
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"label '{label}': ServerKeyAlgorithm: {e.Message}", e);
        }

        var keysText = string.Join(", ", curves.Select(c => PublicKeyKind.CurveName(c)).Concat(rsa ? [$"RSA ≥ {options.MinRsaBits}"] : []).Concat(mlDsa.Select(o => new PublicKeyKind(o, null, 0).Name)));
        return new Profile(label)
        {
            Validity = TimeSpan.FromDays(options.ValidityDays),
            FixedExtensions = extensions,
            AllowedCurves = curves,
            AllowsRsa = rsa,
            AllowedMlDsa = mlDsa.ToHashSet(StringComparer.Ordinal),
            Hierarchy = string.IsNullOrWhiteSpace(options.Hierarchy) || options.Hierarchy == Ca.CaHierarchies.Main ? null : options.Hierarchy.Trim(),
            MinRsaBits = options.MinRsaBits,
            SubjectAttributeOids = attributes,
            SanTypes = sanTypes,
            MaxSans = options.MaxSans,
            AllowWildcardDnsNames = options.AllowWildcardDnsNames,
            AllowedKeysText = keysText,
            CsrAttributes = options.AdvertiseCsrAttributes || options.RequireProofOfPossessionLinking
                ? BuildCsrAttributes(curves, rsa, options.MinRsaBits, options.AdvertiseCsrAttributes, options.RequireProofOfPossessionLinking, preferMlDsa ? mlDsa[0] : null)
                : null,
            ServerKeyGen = options.ServerKeyGen,
            ServerKeyAlgorithm = serverKeyAlgorithm,
            RequireApproval = options.RequireApproval,
            RequireProofOfPossessionLinking = options.RequireProofOfPossessionLinking,
            ArchiveCertificate = LoadArchiveCertificate(label, options),
        };
    }

    private static X509Certificate2? LoadArchiveCertificate(string label, ProfileOptions options)
    {
        if (!options.ArchiveKeys)
        {
            return null;
        }

        if (string.IsNullOrWhiteSpace(options.ArchiveCertificate))
        {
            throw new ArgumentException($"label '{label}': ArchiveKeys needs ArchiveCertificate, the PEM file of the certificate keys are encrypted to");
        }

        X509Certificate2 certificate;
        try
        {
            certificate = X509CertificateLoader.LoadCertificateFromFile(Path.GetFullPath(options.ArchiveCertificate));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new ArgumentException($"label '{label}': ArchiveCertificate {options.ArchiveCertificate}: {e.Message}", e);
        }

        var isEc = certificate.GetECDiffieHellmanPublicKey() is { } ec && Disposed(ec);
        var isRsa = !isEc && certificate.GetRSAPublicKey() is { } rsa && Disposed(rsa);
        if (!isEc && !isRsa)
        {
            throw new ArgumentException($"label '{label}': ArchiveCertificate {options.ArchiveCertificate} holds neither an RSA nor an EC key");
        }

        if (isEc && certificate.Extensions[Oids.SubjectKeyIdentifier] is null)
        {
            throw new ArgumentException($"label '{label}': ArchiveCertificate {options.ArchiveCertificate} is EC and needs a subjectKeyIdentifier");
        }

        return certificate;

        static bool Disposed(IDisposable key)
        {
            key.Dispose();
            return true;
        }
    }

    /// <summary>
    /// RFC 9908 §3: the server names the key it wants as an attribute whose type is the public key algorithm
    /// (id-ecPublicKey with the curve, or rsaEncryption with the modulus size), and the signature algorithm by OID.
    /// The same answer serves /serverkeygen: a CSR built with the key named here gets a generated key of that type
    /// (<see cref="CsrPolicy.ChooseServerKey"/>); ServerKeyAlgorithm answers only CSR key types the label refuses.
    /// </summary>
    private static byte[] BuildCsrAttributes(HashSet<string> curves, bool rsa, int minRsaBits, bool advertiseKey, bool proofOfPossessionLinking, string? mlDsa)
    {
        var items = new List<CsrAttribute>();
        if (proofOfPossessionLinking)
        {
            // RFC 7030 §3.5: listing challengePassword tells the client to put the tls-unique value there.
            items.Add(CsrAttribute.OidOnly(Oids.ChallengePassword));
        }

        if (!advertiseKey)
        {
            return new CsrAttributes(items).Encode();
        }

        string[] preference = [Oids.Secp256r1, Oids.Secp384r1, Oids.Secp521r1];
        var curve = preference.FirstOrDefault(curves.Contains);
        if (mlDsa is not null)
        {
            // RFC 9908 with RFC 9881 §2: an ML-DSA key is named by its algorithm OID alone (parameters absent); the
            // same OID is the signature algorithm, since ML-DSA signs with its own parameter set.
            items.Add(CsrAttribute.OidOnly(mlDsa));
        }
        else if (curve is not null)
        {
            items.Add(CsrAttribute.WithOid(Oids.EcPublicKey, curve));
            items.Add(CsrAttribute.OidOnly(curve switch
            {
                Oids.Secp384r1 => Oids.EcdsaWithSha384,
                Oids.Secp521r1 => Oids.EcdsaWithSha512,
                _ => Oids.EcdsaWithSha256,
            }));
        }
        else if (rsa)
        {
            items.Add(CsrAttribute.WithInteger(Oids.RsaEncryption, minRsaBits));
            items.Add(CsrAttribute.OidOnly(Oids.Sha256WithRsa));
        }

        return new CsrAttributes(items).Encode();
    }

    private static bool IsDottedOid(string s) =>
        s.Length > 2 && s.All(c => char.IsAsciiDigit(c) || c == '.') && char.IsAsciiDigit(s[0]) && char.IsAsciiDigit(s[^1]) && s.Contains('.', StringComparison.Ordinal);

    public static string AttributeName(string oid) => AttributeTypes.Name(oid);
}
