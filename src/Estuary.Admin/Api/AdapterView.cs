using Estuary.Ra;

namespace Estuary.Admin;

/// <summary>
/// An adapter as the API shows it: everything but the password, which is only ever reported as set or not.
/// <see cref="Source"/> is "built-in", "configuration" (read-only) or "managed".
/// </summary>
public sealed record AdapterView(
    string Name,
    string Kind,
    string Source,
    string Description,
    string? Issuer,
    string? BaseUrl,
    string? Label,
    string? TrustAnchorPem,
    string? TrustAnchorFingerprint,
    string? Username,
    bool HasPassword,
    string? ClientCertificatePath,
    string? ClientKeyPath,
    int? TimeoutSeconds,
    int? CaCertsRefreshMinutes,
    IReadOnlyList<string> UsedBy,
    DateTimeOffset? UpdatedAt,
    string? UpdatedBy)
{
    public const string BuiltinKind = "built-in CA";

    public static AdapterView Builtin(string issuer, IReadOnlyList<string> usedBy) => new(
        TemplateCompiler.BuiltinAdapter, BuiltinKind, "built-in", "This server's issuing CA signs the certificate.", issuer,
        null, null, null, null, null, false, null, null, null, null, usedBy, null, null);

    public static AdapterView From(ManagedAdapter a, IReadOnlyList<string> usedBy) => new(
        a.Definition.Name,
        a.Definition.Kind,
        a.FromConfiguration ? "configuration" : "managed",
        a.Definition.Description,
        null,
        a.Definition.BaseUrl,
        a.Definition.Label,
        a.Definition.TrustAnchorPem,
        a.Definition.TrustAnchorFingerprint,
        a.Definition.Username,
        a.HasPassword,
        a.Definition.ClientCertificatePath,
        a.Definition.ClientKeyPath,
        a.Definition.TimeoutSeconds,
        a.Definition.CaCertsRefreshMinutes,
        usedBy,
        a.UpdatedAt,
        a.UpdatedBy);
}
