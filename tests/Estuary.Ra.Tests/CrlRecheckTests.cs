using System.Reflection;
using Estuary.Ca;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// The recheck for revocations made elsewhere reads the store's revocation generation, one row, and reads the
/// revocations themselves only when it has moved — whoever wrote them (another process on the same database here).
/// </summary>
public sealed class CrlRecheckTests() : CaFolderTests("estuary-crl-recheck")
{
    [Fact]
    public async Task A_recheck_reads_the_revocations_only_after_the_generation_moved_and_publishes_it()
    {
        var counting = ReadCountingStore.Wrap(Store, out var reads);
        var generation = new RevocationGeneration();
        using var publisher = new CrlPublisher(Material.Issuing, counting, new RevocationOptions(), TimeProvider.System, NullLogger<CrlPublisher>.Instance, generation);

        var first = await publisher.GetCurrentAsync(default);
        Assert.Equal(1, reads.Count);
        for (var i = 0; i < 5; i++)
        {
            Assert.Same(first, await publisher.RefreshAsync(default));
        }

        Assert.Equal(1, reads.Count);
        var before = generation.Current;
        Assert.True(before >= 0);

        // Another process (the CLI, another node) revokes through its own connection: the triggers move the generation.
        var now = DateTimeOffset.UtcNow;
        await using (var other = await SqliteStore.OpenAsync(Path.Combine(Dir, "estuary.db")))
        {
            await other.InsertCertificateAsync(Record("5E01", Material.Issuing.Certificate.Subject, "CN=elsewhere", now), new AuditEvent(now, "certificate.issued", "t", "x"), default);
            Assert.Equal(before, await other.RevocationGenerationAsync(default)); // an unrevoked insert does not move it
            Assert.True(await other.RevokeAsync("5E01", now, 1, new AuditEvent(now, "certificate.revoked", "t", "5E01"), default));
        }

        var after = await publisher.RefreshAsync(default);

        Assert.Equal(2, reads.Count);
        Assert.True(after.Number > first.Number);
        Assert.True(generation.Current > before);
        Assert.NotNull(new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(after.Der).GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger("5E01", 16)));
        Assert.Same(after, await publisher.RefreshAsync(default));
        Assert.Equal(2, reads.Count);
    }

    [Fact]
    public void An_older_generation_read_late_never_moves_the_published_one_back()
    {
        var generation = new RevocationGeneration();
        Assert.Equal(-1, generation.Current);
        generation.Observe(7);
        generation.Observe(5);
        Assert.Equal(7, generation.Current);
        generation.Observe(8);
        Assert.Equal(8, generation.Current);
    }

    public sealed class ReadCounter
    {
        private int _count;

        public int Count => Volatile.Read(ref _count);

        internal void Add() => Interlocked.Increment(ref _count);
    }

    /// <summary>Counts this instance's reads of the revocation list; everything else goes to the real store.</summary>
    public class ReadCountingStore : DispatchProxy
    {
        private IEstuaryStore _inner = null!;
        private ReadCounter _reads = null!;

        public static IEstuaryStore Wrap(IEstuaryStore inner, out ReadCounter reads)
        {
            var proxy = Create<IEstuaryStore, ReadCountingStore>();
            var self = (ReadCountingStore)(object)proxy;
            self._inner = inner;
            self._reads = reads = new ReadCounter();
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IEstuaryStore.ListRevokedAsync))
            {
                _reads.Add();
            }

            return targetMethod!.Invoke(_inner, args);
        }
    }
}
