namespace Estuary.Storage;

/// <summary>A search over the audit log, newest first.</summary>
public sealed record AuditQuery
{
    /// <summary>Events whose kind starts with this ("certificate.", "template.", "est.refused").</summary>
    public string? KindPrefix { get; init; }

    /// <summary>Substring of the actor or detail.</summary>
    public string? Text { get; init; }

    public DateTimeOffset? Since { get; init; }

    public int Limit { get; init; } = 200;

    /// <summary>
    /// The kinds starting with <paramref name="prefix"/> as a half-open range [From, To) of the audit_kind_time index,
    /// for SQLite's binary (code point) order; null when there is no prefix. Kinds are lower-case ASCII names
    /// ("est.refused.policy"), so the prefix is matched case-insensitively by lower-casing it, and To is the prefix with
    /// its last character raised by one. (Not for PostgreSQL: under a linguistic collation such a range is not a prefix.)
    /// </summary>
    public static (string From, string To)? KindRange(string? prefix)
    {
        if (string.IsNullOrEmpty(prefix))
        {
            return null;
        }

        var from = prefix.ToLowerInvariant();
        return (from, string.Concat(from.AsSpan(0, from.Length - 1), ((char)(from[^1] + 1)).ToString()));
    }
}
