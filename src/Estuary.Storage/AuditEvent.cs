namespace Estuary.Storage;

/// <summary>One line of the audit log: who did what, when, with what outcome. Never holds a secret.</summary>
public sealed record AuditEvent(DateTimeOffset Time, string Kind, string Actor, string Detail);
