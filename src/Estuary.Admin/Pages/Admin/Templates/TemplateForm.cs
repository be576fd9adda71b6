using Estuary.Ra;

namespace Estuary.Admin.Pages.Admin.Templates;

/// <summary>A template as the edit form posts it: lists are comma- or line-separated text.</summary>
public sealed class TemplateForm
{
    public string Name { get; set; } = "";

    public string? Description { get; set; }

    public string? Labels { get; set; }

    public string Adapter { get; set; } = TemplateCompiler.BuiltinAdapter;

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

    public int MaxSans { get; set; } = 10;

    public string? AllowedKeys { get; set; }

    public int MinRsaBits { get; set; } = 2048;

    public int ValidityDays { get; set; } = 365;

    public string? KeyUsage { get; set; }

    public string? ExtendedKeyUsage { get; set; }

    public bool RequireApproval { get; set; }

    public bool ProofOfPossession { get; set; }

    public bool ServerKeyGeneration { get; set; }

    public bool AllowWildcardDnsNames { get; set; }

    public bool AdvertiseCsrAttributes { get; set; }

    public static TemplateForm From(TemplateDefinition t) => new()
    {
        Name = t.Name,
        Description = t.Description,
        Labels = Join(t.Labels),
        Adapter = t.Adapter,
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
        MaxSans = t.MaxSans,
        AllowedKeys = Join(t.AllowedKeys),
        MinRsaBits = t.MinRsaBits,
        ValidityDays = t.ValidityDays,
        KeyUsage = Join(t.KeyUsage),
        ExtendedKeyUsage = Join(t.ExtendedKeyUsage),
        RequireApproval = t.RequireApproval,
        ProofOfPossession = t.ProofOfPossession,
        ServerKeyGeneration = t.ServerKeyGeneration,
        AllowWildcardDnsNames = t.AllowWildcardDnsNames,
        AdvertiseCsrAttributes = t.AdvertiseCsrAttributes,
    };

    public TemplateDefinition ToDefinition() => new()
    {
        Name = Name.Trim(),
        Description = Description?.Trim() ?? "",
        Labels = Split(Labels),
        Adapter = Adapter,
        AllowedAccounts = Split(AllowedAccounts),
        AllowedGroups = Split(AllowedGroups),
        // Subjects contain commas ("CN=a, O=b"): one per line.
        AllowedCertificateLabels = (AllowedCertificateLabels ?? "").Split('\n').Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
        AllowedCertificateSubjects = (AllowedCertificateSubjects ?? "").Split('\n').Select(s => s.Trim()).Where(s => s.Length > 0).ToList(),
        SubjectAttributes = Split(SubjectAttributes),
        CommonNamePattern = string.IsNullOrWhiteSpace(CommonNamePattern) ? null : CommonNamePattern.Trim(),
        DnsPatterns = Split(DnsPatterns),
        IpRanges = Split(IpRanges),
        EmailPatterns = Split(EmailPatterns),
        UriPatterns = Split(UriPatterns),
        MaxSans = MaxSans,
        AllowedKeys = Split(AllowedKeys),
        MinRsaBits = MinRsaBits,
        ValidityDays = ValidityDays,
        KeyUsage = Split(KeyUsage),
        ExtendedKeyUsage = Split(ExtendedKeyUsage),
        RequireApproval = RequireApproval,
        ProofOfPossession = ProofOfPossession,
        ServerKeyGeneration = ServerKeyGeneration,
        AllowWildcardDnsNames = AllowWildcardDnsNames,
        AdvertiseCsrAttributes = AdvertiseCsrAttributes,
    };

    private static string Join(IEnumerable<string> values) => string.Join(", ", values);

    private static List<string> Split(string? text) =>
        (text ?? "").Split([',', '\n', '\r', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
