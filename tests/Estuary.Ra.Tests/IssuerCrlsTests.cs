using System.Reflection;
using Estuary.Ca;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// The CRL of an issuing CA a renewal replaced is served from its signed copy: storage is read again only when the
/// server's publisher is asked to recheck (after a revocation made here, and at each recheck interval), never per fetch.
/// </summary>
public sealed class IssuerCrlsTests() : CaFolderTests("estuary-issuer-crls")
{
    protected override void PrepareFolder()
    {
        using (IssuingCaRenewal.Renew(Dir, Options, null, TimeProvider.System))
        {
        }

        Assert.True(IssuingCaFolder.Reload(Material, TimeProvider.System));
    }

    [Fact]
    public async Task A_replaced_CAs_CRL_is_read_from_storage_only_after_a_recheck_and_then_lists_the_new_revocation()
    {
        var ca = Material.Issuing;
        var old = Assert.Single(ca.Previous);
        var store = CountingStore.Wrap(Store);
        var options = new RevocationOptions();
        using var current = new CrlPublisher(ca, store, options, TimeProvider.System, NullLogger<CrlPublisher>.Instance);
        using var crls = new IssuerCrls(ca, current, store, options, TimeProvider.System, NullLoggerFactory.Instance);

        var first = await crls.FindAsync(old.KeyIdentifierHex, default);
        var reads = CountingStore.Reads;
        for (var i = 0; i < 10; i++)
        {
            Assert.Same(first, await crls.FindAsync(old.KeyIdentifierHex.ToLowerInvariant(), default));
        }

        Assert.Equal(reads, CountingStore.Reads);

        // A revocation of one of the old CA's certificates, as RevocationService records it: store, then recheck.
        await InsertRevokedAsync("0A0B0C0D", old.Certificate.Subject, "CN=old-device", 1);
        Assert.Same(first, await crls.FindAsync(old.KeyIdentifierHex, default)); // not rechecked yet
        await current.RefreshAsync(default);

        var after = await crls.FindAsync(old.KeyIdentifierHex, default);

        Assert.NotNull(after);
        Assert.NotEqual(first!.Number, after.Number);
        var parsed = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(after.Der);
        Assert.NotNull(parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger("0A0B0C0D", 16)));
        Assert.Same(after, await crls.FindAsync(old.KeyIdentifierHex, default));
    }

    /// <summary>Counts the reads of the revocation list; everything else goes to the real store.</summary>
    public class CountingStore : DispatchProxy
    {
        private static int _reads;
        private IEstuaryStore _inner = null!;

        public static int Reads => Volatile.Read(ref _reads);

        public static IEstuaryStore Wrap(IEstuaryStore inner)
        {
            var proxy = Create<IEstuaryStore, CountingStore>();
            ((CountingStore)(object)proxy)._inner = inner;
            return proxy;
        }

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args)
        {
            if (targetMethod?.Name == nameof(IEstuaryStore.ListRevokedAsync))
            {
                Interlocked.Increment(ref _reads);
            }

            return targetMethod!.Invoke(_inner, args);
        }
    }
}
