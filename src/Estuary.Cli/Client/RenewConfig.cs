using System.Text.Json;
using System.Text.Json.Serialization;

namespace Estuary.Cli.Client;

/// <summary>
/// The `estuary renew` configuration file (JSON, documented in docs/CLIENT.md). Top-level values are defaults for
/// every certificate; each certificate may override them. Relative paths are relative to the file's folder.
/// </summary>
internal sealed class RenewConfig
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNameCaseInsensitive = true,
        ReadCommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    };

    public string? Server { get; set; }

    public string? Label { get; set; }

    public string? CaCert { get; set; }

    public string? TrustFingerprint { get; set; }

    /// <summary>Fraction of the lifetime after which to renew (default 2/3).</summary>
    public double? RenewAfter { get; set; }

    public string? DeployHook { get; set; }

    public List<RenewedCertificate> Certificates { get; set; } = [];

    /// <exception cref="CliUsageException">Missing, unreadable or invalid file.</exception>
    public static RenewConfig Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new CliUsageException($"--config {path}: no such file (see docs/CLIENT.md, \"The renew configuration file\")");
        }

        RenewConfig config;
        try
        {
            config = JsonSerializer.Deserialize<RenewConfig>(File.ReadAllText(path), Options) ?? throw new CliUsageException($"--config {path}: empty");
        }
        catch (JsonException e)
        {
            throw new CliUsageException($"--config {path}: not valid renew configuration JSON: {e.Message}", e);
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        string? Resolve(string? p) => p is null ? null : Path.GetFullPath(Path.Combine(dir, p));
        config.CaCert = Resolve(config.CaCert);
        if (config.Certificates.Count == 0)
        {
            throw new CliUsageException($"--config {path}: \"certificates\" lists no certificate");
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < config.Certificates.Count; i++)
        {
            var c = config.Certificates[i];
            c.Name ??= Path.GetFileNameWithoutExtension(c.Cert) ?? $"#{i + 1}";
            if (c.Cert is null || c.Key is null)
            {
                throw new CliUsageException($"--config {path}: certificate \"{c.Name}\" needs \"cert\" and \"key\"");
            }

            if (!names.Add(c.Name))
            {
                throw new CliUsageException($"--config {path}: two certificates are named \"{c.Name}\"");
            }

            c.Cert = Resolve(c.Cert);
            c.Key = Resolve(c.Key);
            c.Chain = Resolve(c.Chain);
            c.CaCert = Resolve(c.CaCert);
            if ((c.RenewAfter ?? config.RenewAfter) is { } f && f is <= 0 or >= 1)
            {
                throw new CliUsageException($"--config {path}: renewAfter must be between 0 and 1 (a fraction of the lifetime), got {f}");
            }
        }

        return config;
    }
}

/// <summary>One certificate that `estuary renew` keeps fresh.</summary>
internal sealed class RenewedCertificate
{
    public string? Name { get; set; }

    public string? Cert { get; set; }

    public string? Key { get; set; }

    public string? Chain { get; set; }

    public string? Server { get; set; }

    public string? Label { get; set; }

    public string? CaCert { get; set; }

    public string? TrustFingerprint { get; set; }

    public double? RenewAfter { get; set; }

    public bool Rekey { get; set; }

    public string? KeyType { get; set; }

    public string? DeployHook { get; set; }
}
