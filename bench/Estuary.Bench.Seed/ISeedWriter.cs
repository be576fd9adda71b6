using Estuary.Storage;

namespace Estuary.Bench.Seed;

/// <summary>Bulk-writes seeded records, one chunk per transaction.</summary>
internal interface ISeedWriter : IAsyncDisposable
{
    Task WriteAsync(IReadOnlyList<(CertificateRecord Record, AuditEvent Issued, AuditEvent? Revoked)> chunk, CancellationToken cancellationToken);
}
