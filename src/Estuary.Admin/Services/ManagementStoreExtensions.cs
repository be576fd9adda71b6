using Estuary.Storage;

namespace Estuary.Admin;

/// <summary>Audit helpers for the console.</summary>
internal static class ManagementStoreExtensions
{
    /// <summary>Appends an audit event through the management store when it is also the record store.</summary>
    public static Task AppendAuditAsyncSafe(this IManagementStore store, AuditEvent audit, CancellationToken cancellationToken) =>
        store is IEstuaryStore records ? records.AppendAuditAsync(audit, cancellationToken) : Task.CompletedTask;
}
