using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Org.BouncyCastle.X509;
using Xunit;

namespace Estuary.Ra.Tests;

/// <summary>
/// Partition CRLs (RFC 5280 §5.2.5) cut from the publisher's full CRL: together they list exactly its entries, each in
/// one partition only, under the same number, thisUpdate and nextUpdate; each is signed once per full CRL.
/// </summary>
public sealed class PartitionCrlsTests() : CaFolderTests("estuary-partition-crls")
{
    private CertificateAuthority Ca => Material.Issuing;

    [Theory]
    [InlineData(2)]
    [InlineData(16)]
    [InlineData(256)]
    public async Task The_partitions_together_list_the_full_CRLs_entries_once_each_under_its_number_and_times(int count)
    {
        for (var i = 0; i < 48; i++)
        {
            await RevokeNewAsync(i % 2 == 0 ? X509RevocationReason.KeyCompromise : X509RevocationReason.Unspecified);
        }

        using var publisher = Publisher();
        var full = await publisher.GetCurrentAsync(default);
        var fullCrl = Parse(full.Der);
        var fullSerials = Serials(fullCrl);
        Assert.Equal(48, fullSerials.Count);
        var caKey = new X509CertificateParser().ReadCertificate(Ca.Certificate.RawData).GetPublicKey();
        var partitions = new PartitionCrls();
        var seen = new List<string>();

        for (var index = 0; index < count; index++)
        {
            var url = $"http://crl.example/crl/{Ca.KeyIdentifierHex}/p{count}-{index}.crl";
            var part = partitions.Get(full, count, index, new Uri(url));
            var crl = Parse(part.Der);

            crl.Verify(caKey); // throws when the signature does not verify with the issuing CA's key
            Assert.Equal(fullCrl.IssuerDN, crl.IssuerDN);
            Assert.Equal(fullCrl.ThisUpdate, crl.ThisUpdate);
            Assert.Equal(fullCrl.NextUpdate, crl.NextUpdate);
            Assert.Equal(full.Number, CrlNumber(part.Der));
            Assert.Equal(full.Number, part.Number);
            Assert.Contains(Oids.IssuingDistributionPoint, crl.GetCriticalExtensionOids());
            var idp = IssuingDistributionPoint.Decode(crl.GetExtensionValue(new Org.BouncyCastle.Asn1.DerObjectIdentifier(Oids.IssuingDistributionPoint)).GetOctets());
            Assert.Equal(new IssuingDistributionPoint(url, OnlyContainsUserCerts: true), idp);
            var serials = Serials(crl);
            Assert.All(serials, s => Assert.Equal(index, CrlPartition.IndexOf(Convert.FromHexString(s), count)));
            seen.AddRange(serials);
        }

        Assert.Equal(fullSerials.Order(StringComparer.Ordinal), seen.Order(StringComparer.Ordinal)); // all of them, none twice
    }

    [Fact]
    public async Task A_partition_is_signed_once_per_full_CRL_even_when_fetched_at_once_and_anew_after_a_revocation()
    {
        await RevokeNewAsync(X509RevocationReason.Superseded);
        using var publisher = Publisher();
        var full = await publisher.GetCurrentAsync(default);
        var partitions = new PartitionCrls();
        var url = new Uri($"http://crl.example/crl/{Ca.KeyIdentifierHex}/p16-3.crl");

        var fetches = await Task.WhenAll(Enumerable.Range(0, 32).Select(_ => Task.Run(() => partitions.Get(full, 16, 3, url))));

        Assert.All(fetches, f => Assert.Same(fetches[0], f));
        Assert.Equal(1, partitions.Signatures);
        Assert.Same(fetches[0], partitions.Get(full with { Generation = full.Generation + 1 }, 16, 3, url)); // same CRL number: same CRL
        Assert.Equal(1, partitions.Signatures);

        // A revocation in partition 3: the next full CRL has the next number and its partition 3 lists the new serial.
        var serial = await RevokeNewAsync(X509RevocationReason.KeyCompromise, partition: (16, 3));
        var next = await publisher.RefreshAsync(default);
        var after = partitions.Get(next, 16, 3, url);

        Assert.Equal(full.Number + 1, after.Number);
        Assert.Equal(2, partitions.Signatures);
        Assert.Contains(serial, Serials(Parse(after.Der)));
        Assert.DoesNotContain(serial, Serials(Parse(fetches[0].Der)));
    }

    [Theory]
    [InlineData(3, 0)]
    [InlineData(16, 16)]
    [InlineData(16, -1)]
    [InlineData(512, 0)]
    public async Task A_bad_count_or_index_is_refused(int count, int index)
    {
        using var publisher = Publisher();
        var full = await publisher.GetCurrentAsync(default);

        Assert.Throws<ArgumentOutOfRangeException>(() => new PartitionCrls().Get(full, count, index, new Uri("http://crl.example/x.crl")));
    }

    private CrlPublisher Publisher() => new(Ca, Store, new RevocationOptions(), TimeProvider.System, NullLogger<CrlPublisher>.Instance);

    /// <summary>Records and revokes a certificate of the issuing CA (a random serial, or one in the given partition).</summary>
    private async Task<string> RevokeNewAsync(X509RevocationReason reason, (int Count, int Index)? partition = null)
    {
        var serial = SerialNumber.Next();
        if (partition is { } p)
        {
            serial[^1] = (byte)((serial[^1] & ~(p.Count - 1)) | p.Index);
        }

        var hex = SerialNumber.ToHex(serial);
        await InsertRevokedAsync(hex, Ca.Certificate.Subject, "CN=partitioned", (int)reason);
        return hex;
    }

    private static X509Crl Parse(byte[] der) => new X509CrlParser().ReadCrl(der);

    private static List<string> Serials(X509Crl crl) =>
        [.. ((IEnumerable<X509CrlEntry>?)crl.GetRevokedCertificates() ?? []).Select(e => Convert.ToHexString(e.SerialNumber.ToByteArrayUnsigned()))];

    private static long CrlNumber(byte[] der)
    {
        CertificateRevocationListBuilder.Load(der, out var number);
        return (long)number;
    }
}
