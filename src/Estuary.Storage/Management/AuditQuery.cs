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
}
