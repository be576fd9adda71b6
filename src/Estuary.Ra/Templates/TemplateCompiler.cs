namespace Estuary.Ra;

/// <summary>
/// Validates a <see cref="TemplateDefinition"/> and compiles it into one <see cref="Profile"/> per CA label:
/// the configuration profile's checks (keys, subject attributes, SAN types, extensions, csrattrs) plus the
/// template's <see cref="TemplateRules"/>. A definition that cannot work is refused with every reason.
/// </summary>
public static class TemplateCompiler
{
    public const string BuiltinAdapter = "builtin";

    /// <summary>The largest RSA key the server generates (<see cref="Ca.KeyAlgorithm.Parse"/>).</summary>
    private const int MaxGeneratedRsaBits = 8192;

    private const string ProbeLabel = "probe";

    /// <summary>Compiles, or returns the list of problems (empty list never returned with null profiles).</summary>
    /// <param name="knownHierarchies">The further CA hierarchies configured (Estuary:Ca:Hierarchies); null: none, only the main CA.</param>
    public static (IReadOnlyList<Profile> Profiles, IReadOnlyList<string> Problems) Compile(TemplateDefinition template, IReadOnlyCollection<string> knownAdapters, IReadOnlyCollection<string>? knownHierarchies = null)
    {
        var problems = new List<string>();
        if (!LabelRegistry.IsValidLabel(template.Name))
        {
            problems.Add("Name must be 1 to 64 characters of letters, digits, '-', '_' or '.'");
        }

        var labels = template.Labels.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
        if (labels.Count == 0)
        {
            problems.Add("Labels: name at least one CA label");
        }

        foreach (var label in labels.Where(l => !LabelRegistry.IsValidLabel(l)))
        {
            problems.Add($"Labels: '{label}' must be 1 to 64 characters of letters, digits, '-', '_' or '.'");
        }

        if (!knownAdapters.Contains(template.Adapter))
        {
            problems.Add($"Adapter: '{template.Adapter}' is not an adapter (known: {string.Join(", ", knownAdapters)})");
        }

        if (template.MaxSans is < 0 or > 100)
        {
            problems.Add("MaxSans must be between 0 and 100");
        }

        if (template.MinRsaBits is < 2048 or > 16384)
        {
            problems.Add("MinRsaBits must be between 2048 and 16384");
        }

        var ips = new List<IpRange>();
        foreach (var text in Clean(template.IpRanges))
        {
            if (IpRange.TryParse(text, out var range))
            {
                ips.Add(range!);
            }
            else
            {
                problems.Add($"IpRanges: '{text}' is not an address or CIDR range");
            }
        }

        var subjectAttributes = Clean(template.SubjectAttributes);
        var cnPattern = string.IsNullOrWhiteSpace(template.CommonNamePattern) ? null : new NamePattern(template.CommonNamePattern, starCrossesDots: true);
        if (cnPattern is not null && !subjectAttributes.Contains("CN", StringComparer.OrdinalIgnoreCase))
        {
            problems.Add("CommonNamePattern needs CN among the SubjectAttributes");
        }

        var certificateSubjects = new List<SubjectPattern>();
        foreach (var text in Clean(template.AllowedCertificateSubjects))
        {
            if (SubjectPattern.TryParse(text, out var pattern))
            {
                certificateSubjects.Add(pattern!);
            }
            else
            {
                problems.Add($"AllowedCertificateSubjects: '{text}' is not a distinguished name with one attribute per RDN (e.g. CN=*.devices.example, O=Example)");
            }
        }

        var rules = new TemplateRules
        {
            TemplateName = template.Name,
            Adapter = template.Adapter,
            Accounts = Clean(template.AllowedAccounts).ToHashSet(StringComparer.Ordinal),
            Groups = Clean(template.AllowedGroups).ToHashSet(StringComparer.Ordinal),
            CertificateLabels = Clean(template.AllowedCertificateLabels).ToHashSet(StringComparer.Ordinal),
            CertificateSubjects = certificateSubjects,
            OwnLabels = labels.ToHashSet(StringComparer.Ordinal),
            CommonName = cnPattern,
            Dns = Clean(template.DnsPatterns).Select(p => new NamePattern(p, starCrossesDots: false)).ToList(),
            Ips = ips,
            Emails = Clean(template.EmailPatterns).Select(p => new NamePattern(p, starCrossesDots: true)).ToList(),
            Uris = Clean(template.UriPatterns).Select(p => new NamePattern(p, starCrossesDots: true)).ToList(),
            AllowWildcardDnsNames = template.AllowWildcardDnsNames,
            RequireApproval = template.RequireApproval,
            ProofOfPossession = template.ProofOfPossession,
            ServerKeyGeneration = template.ServerKeyGeneration,
        };

        var hierarchy = HierarchyOf(template, knownHierarchies ?? [], problems);
        var (signingKeys, mlKem) = SplitKeys(template, problems);
        var options = new ProfileOptions
        {
            Hierarchy = hierarchy,
            ValidityDays = template.ValidityDays,
            MinRsaBits = template.MinRsaBits,
            MaxSans = template.MaxSans,
            AllowWildcardDnsNames = template.AllowWildcardDnsNames,
            AdvertiseCsrAttributes = template.AdvertiseCsrAttributes,
            // The template's flags drive the RFC 7030 features built into the RA (§4.2.3, §3.5, §4.4).
            RequireApproval = template.RequireApproval,
            RequireProofOfPossessionLinking = template.ProofOfPossession,
            ServerKeyGen = template.ServerKeyGeneration,
        };
        AddAll(options.KeyUsage, Clean(template.KeyUsage));
        AddAll(options.ExtendedKeyUsage, Clean(template.ExtendedKeyUsage));
        AddAll(options.AllowedKeys, signingKeys);
        AddAll(options.SubjectAttributes, subjectAttributes);
        // A SAN type is allowed exactly when the template names patterns for it.
        AddAll(options.SanTypes, new[] { ("dns", rules.Dns.Count), ("ip", rules.Ips.Count), ("email", rules.Emails.Count), ("uri", rules.Uris.Count) }
            .Where(t => t.Item2 > 0).Select(t => t.Item1));
        if (mlKem is not null)
        {
            // An ML-KEM template, like an ML-KEM configuration label: /serverkeygen always makes this key.
            options.ServerKeyAlgorithm = mlKem;
        }
        else if (options.AllowedKeys.Count == 0)
        {
            problems.Add("AllowedKeys: name at least one key type (P-256, P-384, P-521, RSA)");
        }
        else if (DefaultServerKeyAlgorithm(options.AllowedKeys, template.MinRsaBits) is { } serverKey)
        {
            options.ServerKeyAlgorithm = serverKey;
        }
        else if (template.ServerKeyGeneration)
        {
            problems.Add($"ServerKeyGeneration: the server generates RSA keys of at most {MaxGeneratedRsaBits} bits, and MinRsaBits is {template.MinRsaBits}; allow a curve or lower MinRsaBits");
        }

        if (options.SubjectAttributes.Count == 0)
        {
            problems.Add("SubjectAttributes: name at least one attribute (CN, O, OU, …)");
        }

        problems.AddRange(SettingProblems(template));
        var profiles = new List<Profile>();
        if (problems.Count == 0)
        {
            foreach (var label in labels)
            {
                try
                {
                    profiles.Add(Profile.Compile(label, options).WithTemplate(rules));
                }
                catch (ArgumentException e)
                {
                    problems.Add(e.Message.Replace($"label '{label}': ", "", StringComparison.Ordinal));
                    break;
                }
            }
        }

        return problems.Count == 0 ? (profiles, problems) : ([], problems);
    }

    /// <summary>
    /// The key /serverkeygen generates when the CSR's key type is not one the template accepts: a key the template
    /// itself accepts, the smallest curve first (P-256 when allowed, as for configuration labels), else RSA of
    /// MinRsaBits (at least 2048, rounded up to whole bytes).
    /// </summary>
    private static string? DefaultServerKeyAlgorithm(IList<string> allowedKeys, int minRsaBits)
    {
        foreach (var curve in new[] { "P-256", "P-384", "P-521" })
        {
            if (allowedKeys.Contains(curve, StringComparer.OrdinalIgnoreCase))
            {
                return curve;
            }
        }

        var bits = (Math.Max(2048, minRsaBits) + 7) / 8 * 8;
        return bits <= MaxGeneratedRsaBits ? $"RSA-{bits}" : null;
    }

    /// <summary>
    /// <see cref="Profile.Compile"/> stops at the first setting it cannot use. Compiling each setting on its own,
    /// on top of the built-in default, reports every one of them in one answer, with the profile's own words and
    /// rules (no second copy of them here): a form with four mistakes needs one save, not four.
    /// </summary>
    private static IEnumerable<string> SettingProblems(TemplateDefinition template)
    {
        var probes = new List<Action<ProfileOptions>> { o => o.ValidityDays = template.ValidityDays };
        probes.AddRange(Clean(template.AllowedKeys).Where(k => !IsMlKem(k)).Select(v => (Action<ProfileOptions>)(o => Only(o.AllowedKeys, v))));
        probes.AddRange(Clean(template.KeyUsage).Select(v => (Action<ProfileOptions>)(o => Only(o.KeyUsage, v))));
        probes.AddRange(Clean(template.ExtendedKeyUsage).Select(v => (Action<ProfileOptions>)(o => Only(o.ExtendedKeyUsage, v))));
        probes.AddRange(Clean(template.SubjectAttributes).Select(v => (Action<ProfileOptions>)(o => Only(o.SubjectAttributes, v))));
        foreach (var probe in probes)
        {
            var options = ProfileOptions.DefaultClient();
            options.ServerKeyGen = false;
            probe(options);
            string? problem = null;
            try
            {
                Profile.Compile(ProbeLabel, options);
            }
            catch (ArgumentException e)
            {
                problem = e.Message.Replace($"label '{ProbeLabel}': ", "", StringComparison.Ordinal);
            }

            if (problem is not null)
            {
                yield return problem;
            }
        }

        static void Only(IList<string> list, string value)
        {
            list.Clear();
            list.Add(value);
        }
    }

    /// <summary>The hierarchy that signs: null for the main CA; a name must be configured, and only the built-in adapter has hierarchies.</summary>
    private static string? HierarchyOf(TemplateDefinition template, IReadOnlyCollection<string> known, List<string> problems)
    {
        var name = template.Hierarchy?.Trim();
        if (string.IsNullOrEmpty(name) || name == Ca.CaHierarchies.Main)
        {
            return null;
        }

        if (!known.Contains(name, StringComparer.Ordinal))
        {
            problems.Add($"Hierarchy: '{name}' is not a configured CA hierarchy (choose {string.Join(", ", known.Prepend(Ca.CaHierarchies.Main))}; Estuary:Ca:Hierarchies)");
        }
        else if (template.Adapter != BuiltinAdapter)
        {
            problems.Add($"Hierarchy: '{name}' is one of this server's CAs; an upstream adapter issues under its own CA (choose {Ca.CaHierarchies.Main})");
        }

        return name;
    }

    /// <summary>
    /// The CSR key types, and the ML-KEM type when one is chosen. RFC 9935: an ML-KEM key cannot sign, so it never
    /// comes in a CSR; it exists only through /serverkeygen (as for configuration labels, docs/ENROLLMENT.md), and the
    /// client signs its CSR with one of the other types.
    /// </summary>
    private static (List<string> Signing, string? MlKem) SplitKeys(TemplateDefinition template, List<string> problems)
    {
        var keys = Clean(template.AllowedKeys);
        var signing = keys.Where(k => !IsMlKem(k)).ToList();
        var mlKem = new List<string>();
        foreach (var key in keys.Where(IsMlKem))
        {
            try
            {
                mlKem.Add(Ca.KeyAlgorithm.Parse(key).Name);
            }
            catch (ArgumentException)
            {
                problems.Add($"AllowedKeys: '{key}' is not ML-KEM-512, ML-KEM-768 or ML-KEM-1024");
            }
        }

        if (mlKem.Count == 0)
        {
            return (signing, null);
        }

        if (mlKem.Count > 1)
        {
            problems.Add($"AllowedKeys: choose one ML-KEM parameter set, not {string.Join(" and ", mlKem)}: /serverkeygen generates exactly one key type");
        }

        if (!template.ServerKeyGeneration)
        {
            problems.Add($"AllowedKeys: {mlKem[0]} keys come only from server-side key generation (RFC 9935: an ML-KEM key cannot sign a CSR); allow server-side key generation or untick {mlKem[0]}");
        }

        if (signing.Count == 0)
        {
            problems.Add($"AllowedKeys: with {mlKem[0]}, also allow a key type the client signs its CSR with (P-256, P-384, P-521, RSA, ML-DSA)");
        }

        return (signing, mlKem[0]);
    }

    private static bool IsMlKem(string key) => key.Trim().StartsWith("ML-KEM", StringComparison.OrdinalIgnoreCase) || key.Trim().StartsWith("MLKEM", StringComparison.OrdinalIgnoreCase);

    private static List<string> Clean(IEnumerable<string> values) =>
        values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static void AddAll(IList<string> list, IEnumerable<string> values)
    {
        foreach (var v in values)
        {
            list.Add(v);
        }
    }
}
