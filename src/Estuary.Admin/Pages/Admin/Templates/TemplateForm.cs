using System.Globalization;
using Estuary.Ra;

namespace Estuary.Admin.Pages.Admin.Templates;

/// <summary>
/// A template as the edit form posts it: lists are comma- or line-separated text, numbers are kept as typed
/// (so a mistake is shown with what was typed), key types and usages are choices.
/// </summary>
public sealed class TemplateForm
{
    /// <summary>The words on the form for each property of <see cref="TemplateDefinition"/>; problems are said in them.</summary>
    public static FormFields Fields { get; } = new(
        new("Name", "Name", "a template named", "no template named"),
        new("Description", "Description"),
        new("Labels", "CA labels", "label '"),
        new("Adapter", "Adapter"),
        new("Hierarchy", "CA hierarchy"),
        new("AllowedAccounts", "Accounts"),
        new("AllowedGroups", "Groups"),
        new("AllowedCertificateLabels", "Certificates issued under these labels"),
        new("AllowedCertificateSubjects", "Client-certificate subjects"),
        new("SubjectAttributes", "Allowed subject attributes"),
        new("CommonNamePattern", "Required CN pattern"),
        new("DnsPatterns", "DNS name patterns"),
        new("IpRanges", "IP ranges"),
        new("EmailPatterns", "Email patterns"),
        new("UriPatterns", "URI patterns"),
        new("MaxSans", "Most SAN entries"),
        new("AllowedKeys", "Allowed keys"),
        new("MinRsaBits", "Smallest RSA key (bits)"),
        new("ValidityDays", "Validity (days)"),
        new("KeyUsage", "Key usage"),
        new("ExtendedKeyUsage", "Extended key usage"),
        new("RequireApproval", "Enrollments need an administrator's approval"),
        new("ProofOfPossession", "Proof-of-possession"),
        new("ServerKeyGeneration", "Allow server-side key generation"),
        new("AllowWildcardDnsNames", "Allow wildcard DNS names"),
        new("AdvertiseCsrAttributes", "Answer /csrattrs with the wanted key type"));

    /// <summary>
    /// The key types <see cref="Profile"/> accepts in a CSR, and the ML-KEM types, which only server-side key generation
    /// makes (RFC 9935; the same rule as configuration labels, checked by <see cref="TemplateCompiler"/>).
    /// </summary>
    public static IReadOnlyList<string> KeyChoices { get; } = [.. Profile.SubjectKeyTypes, "ML-KEM-512", "ML-KEM-768", "ML-KEM-1024"];

    /// <summary>End-entity key usages (RFC 5280 §4.2.1.3) by their X509KeyUsageFlags names; keyCertSign and cRLSign are the CA's.</summary>
    public static IReadOnlyList<string> KeyUsageChoices { get; } =
        ["DigitalSignature", "NonRepudiation", "KeyEncipherment", "DataEncipherment", "KeyAgreement", "EncipherOnly", "DecipherOnly"];

    /// <summary>Extended key usages known by name (RFC 5280 §4.2.1.12); others are given as OIDs.</summary>
    public static IReadOnlyList<string> ExtendedKeyUsageChoices { get; } = ["ServerAuth", "ClientAuth", "CodeSigning", "EmailProtection"];

    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string? Labels { get; set; }

    public string Adapter { get; set; } = TemplateCompiler.BuiltinAdapter;

    /// <summary>The CA hierarchy that signs: "default" (the main CA) or a name under Estuary:Ca:Hierarchies.</summary>
    public string Hierarchy { get; set; } = Ca.CaHierarchies.Main;

    public string? AllowedAccounts { get; set; }

    public string? AllowedGroups { get; set; }

    public string? AllowedCertificateLabels { get; set; }

    public string? AllowedCertificateSubjects { get; set; }

    public string? SubjectAttributes { get; set; }

    public string? CommonNamePattern { get; set; }

    public string? DnsPatterns { get; set; }

    public string? IpRanges { get; set; }

    public string? EmailPatterns { get; set; }

    public string? UriPatterns { get; set; }

    public string? MaxSans { get; set; }

    // Unticked boxes post nothing: the lists start empty, never with defaults a person did not choose.
    public List<string> AllowedKeys { get; set; } = [];

    public string? MinRsaBits { get; set; }

    public string? ValidityDays { get; set; }

    public List<string> KeyUsage { get; set; } = [];

    public List<string> ExtendedKeyUsage { get; set; } = [];

    /// <summary>Extended key usages given by OID (dotted, one per line or comma-separated).</summary>
    public string? ExtendedKeyUsageOids { get; set; }

    public bool RequireApproval { get; set; }

    public bool ProofOfPossession { get; set; }

    public bool ServerKeyGeneration { get; set; }

    public bool AllowWildcardDnsNames { get; set; }

    public bool AdvertiseCsrAttributes { get; set; }

    /// <summary>
    /// The form of a stored template. A value that is none of the choices (a template stored by an older
    /// version or through the API) is kept as an extra ticked box, never dropped.
    /// </summary>
    public static TemplateForm From(TemplateDefinition t) => new()
    {
        Name = t.Name,
        Description = t.Description,
        Labels = Join(t.Labels),
        Adapter = t.Adapter,
        Hierarchy = string.IsNullOrWhiteSpace(t.Hierarchy) ? Ca.CaHierarchies.Main : t.Hierarchy,
        AllowedAccounts = Join(t.AllowedAccounts),
        AllowedGroups = Join(t.AllowedGroups),
        AllowedCertificateLabels = string.Join('\n', t.AllowedCertificateLabels),
        AllowedCertificateSubjects = string.Join('\n', t.AllowedCertificateSubjects),
        SubjectAttributes = Join(t.SubjectAttributes),
        CommonNamePattern = t.CommonNamePattern,
        DnsPatterns = Join(t.DnsPatterns),
        IpRanges = Join(t.IpRanges),
        EmailPatterns = Join(t.EmailPatterns),
        UriPatterns = Join(t.UriPatterns),
        MaxSans = Number(t.MaxSans),
        AllowedKeys = Chosen(t.AllowedKeys, KeyChoices),
        MinRsaBits = Number(t.MinRsaBits),
        ValidityDays = Number(t.ValidityDays),
        KeyUsage = Chosen(t.KeyUsage, KeyUsageChoices),
        ExtendedKeyUsage = Chosen(t.ExtendedKeyUsage.Where(e => !IsOid(e)), ExtendedKeyUsageChoices),
        ExtendedKeyUsageOids = Join(t.ExtendedKeyUsage.Where(IsOid)),
        RequireApproval = t.RequireApproval,
        ProofOfPossession = t.ProofOfPossession,
        ServerKeyGeneration = t.ServerKeyGeneration,
        AllowWildcardDnsNames = t.AllowWildcardDnsNames,
        AdvertiseCsrAttributes = t.AdvertiseCsrAttributes,
    };

    /// <summary>Ticked values that are none of the choices: shown as extra boxes so that nothing stored is lost.</summary>
    public static IEnumerable<string> Extras(IEnumerable<string> ticked, IReadOnlyList<string> choices) =>
        ticked.Where(v => !choices.Contains(v, StringComparer.Ordinal)).Distinct(StringComparer.Ordinal);

    /// <summary>The definition, and the problems of numbers that are not numbers (named by property, like the compiler's).</summary>
    public (TemplateDefinition Definition, IReadOnlyList<string> Problems) ToDefinition()
    {
        var problems = new List<string>();
        var definition = new TemplateDefinition
        {
            Name = Name.Trim(),
            Description = Description?.Trim() ?? "",
            Labels = Split(Labels),
            Adapter = Adapter,
            // The main CA is stored as no hierarchy, as a template from before hierarchies is.
            Hierarchy = string.IsNullOrWhiteSpace(Hierarchy) || Hierarchy.Trim() == Ca.CaHierarchies.Main ? null : Hierarchy.Trim(),
            AllowedAccounts = Split(AllowedAccounts),
            AllowedGroups = Split(AllowedGroups),
            // Subjects contain commas ("CN=a, O=b"): one per line.
            AllowedCertificateLabels = Lines(AllowedCertificateLabels),
            AllowedCertificateSubjects = Lines(AllowedCertificateSubjects),
            SubjectAttributes = Split(SubjectAttributes),
            CommonNamePattern = string.IsNullOrWhiteSpace(CommonNamePattern) ? null : CommonNamePattern.Trim(),
            DnsPatterns = Split(DnsPatterns),
            IpRanges = Split(IpRanges),
            EmailPatterns = Split(EmailPatterns),
            UriPatterns = Split(UriPatterns),
            MaxSans = Parse(MaxSans, nameof(MaxSans), 10, problems),
            AllowedKeys = Distinct(AllowedKeys),
            MinRsaBits = Parse(MinRsaBits, nameof(MinRsaBits), 2048, problems),
            ValidityDays = Parse(ValidityDays, nameof(ValidityDays), 365, problems),
            KeyUsage = Distinct(KeyUsage),
            ExtendedKeyUsage = Distinct(ExtendedKeyUsage.Concat(Split(ExtendedKeyUsageOids))),
            RequireApproval = RequireApproval,
            ProofOfPossession = ProofOfPossession,
            ServerKeyGeneration = ServerKeyGeneration,
            AllowWildcardDnsNames = AllowWildcardDnsNames,
            AdvertiseCsrAttributes = AdvertiseCsrAttributes,
        };
        return (definition, problems);
    }

    /// <summary>A number as typed; one that is not a whole number is a problem, and a valid stand-in keeps other checks quiet.</summary>
    private static int Parse(string? text, string property, int standIn, List<string> problems)
    {
        if (int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        problems.Add($"{property}: enter a whole number");
        return standIn;
    }

    /// <summary>Stored values matched to the choices without regard to case (as <see cref="Profile"/> reads them); others kept as they are.</summary>
    private static List<string> Chosen(IEnumerable<string> stored, IReadOnlyList<string> choices) =>
        stored.Select(v => choices.FirstOrDefault(c => string.Equals(c, v.Trim(), StringComparison.OrdinalIgnoreCase)) ?? v.Trim())
            .Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static bool IsOid(string value) => value.Trim() is { Length: > 0 } v && char.IsAsciiDigit(v[0]) && v.All(c => char.IsAsciiDigit(c) || c == '.');

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Join(IEnumerable<string> values) => string.Join(", ", values);

    private static List<string> Distinct(IEnumerable<string> values) => values.Select(v => v.Trim()).Where(v => v.Length > 0).Distinct(StringComparer.Ordinal).ToList();

    private static List<string> Lines(string? text) => (text ?? "").Split('\n').Select(s => s.Trim()).Where(s => s.Length > 0).ToList();

    private static List<string> Split(string? text) =>
        (text ?? "").Split([',', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
