using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>An issued certificate as the API shows it.</summary>
public sealed record CertificateSummary(
    string Serial,
    string Subject,
    IReadOnlyList<string> SubjectAltNames,
    string Issuer,
    DateTimeOffset NotBefore,
    DateTimeOffset NotAfter,
    DateTimeOffset IssuedAt,
    string RequestedBy,
    string Label,
    string Operation,
    string Status,
    DateTimeOffset? RevokedAt)
{
    public static CertificateSummary From(CertificateRecord r, DateTimeOffset now) => new(
        r.Serial,
        r.Subject,
        r.SubjectAltNames.Split('\n', StringSplitOptions.RemoveEmptyEntries),
        r.Issuer,
        r.NotBefore,
        r.NotAfter,
        r.IssuedAt,
        r.RequestedBy,
        r.Label.Length == 0 ? "default" : r.Label,
        r.Operation,
        StatusOf(r, now),
        r.RevokedAt);

    public static string StatusOf(CertificateRecord r, DateTimeOffset now) =>
        r.RevokedAt is not null ? "revoked" : r.NotAfter <= now ? "expired" : "valid";
}

/// <summary>An EST account as the API shows it (never its password or hash).</summary>
public sealed record AccountSummary(string Username, bool Enabled, IReadOnlyList<string> Groups, DateTimeOffset CreatedAt);

/// <summary>POST /api/v1/accounts.</summary>
public sealed record CreateAccountRequest(string Username, IReadOnlyList<string>? Groups);

/// <summary>The password of a new account or a reset, shown once.</summary>
public sealed record AccountPassword(string Username, string Password);

/// <summary>PATCH /api/v1/accounts/{username}: fields left out stay as they are.</summary>
public sealed record UpdateAccountRequest(bool? Enabled, IReadOnlyList<string>? Groups);

/// <summary>A template with when and by whom it last changed.</summary>
public sealed record TemplateSummary(Ra.TemplateDefinition Template, DateTimeOffset UpdatedAt, string UpdatedBy);

/// <summary>A CA label and what serves it.</summary>
public sealed record LabelSummary(string Label, string Source, string? Template);

/// <summary>An adapter: how a template's certificates get issued.</summary>
public sealed record AdapterSummary(string Name, string Kind, string Description, string Issuer);

/// <summary>One certificate of the CA chain.</summary>
public sealed record CaCertificateSummary(string Role, string Subject, string Issuer, DateTimeOffset NotBefore, DateTimeOffset NotAfter, string Sha256Fingerprint, string KeyAlgorithm, string Pem)
{
    public static CaCertificateSummary From(string role, X509Certificate2 c) => new(
        role,
        c.Subject,
        c.Issuer,
        c.NotBefore.ToUniversalTime(),
        c.NotAfter.ToUniversalTime(),
        Fingerprint(c),
        c.GetKeyAlgorithm() switch { "1.2.840.10045.2.1" => "ECDSA " + (c.GetECDsaPublicKey()?.KeySize ?? 0), "1.2.840.113549.1.1.1" => "RSA " + (c.GetRSAPublicKey()?.KeySize ?? 0), var o => o },
        c.ExportCertificatePem());

    /// <summary>SHA-256 of the DER, colon-separated hex, as openssl x509 -fingerprint -sha256 prints it.</summary>
    public static string Fingerprint(X509Certificate2 c) => string.Join(':', SHA256.HashData(c.RawData).Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
}

/// <summary>
/// POST /api/v1/api-keys: a role (auditor, ra-officer, administrator) and a lifetime in days (default 90).
/// <c>Scope</c> is the field keys had before roles; it is refused with a pointer to <c>role</c>.
/// </summary>
public sealed record CreateApiKeyRequest(string? Name, string? Role, int? ExpiresInDays, string? Scope = null);

/// <summary>A new API key, shown once.</summary>
public sealed record ApiKeyCreated(string Id, string Name, string Role, DateTimeOffset? ExpiresAt, string Key);

/// <summary>An API key as listed (never the secret); <c>ExpiresAt</c> null: a key from before expiry existed, never expires.</summary>
public sealed record ApiKeySummary(string Id, string Name, string Role, DateTimeOffset CreatedAt, string CreatedBy, DateTimeOffset? ExpiresAt, DateTimeOffset? LastUsedAt, bool Expired)
{
    public static ApiKeySummary From(ApiKeyRecord k, DateTimeOffset now) =>
        new(k.Id, k.Name, AdminRoles.Name(k.Role), k.CreatedAt, k.CreatedBy, k.ExpiresAt, k.LastUsedAt, k.ExpiresAt <= now);
}
