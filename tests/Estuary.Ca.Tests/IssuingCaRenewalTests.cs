using System.Security.Cryptography.X509Certificates;
using Xunit;

namespace Estuary.Ca.Tests;

public sealed class IssuingCaRenewalTests
{
    [Theory]
    [InlineData("CN=Estuary Issuing CA, O=Estuary", "CN=Estuary Issuing CA G2, O=Estuary")]
    [InlineData("CN=Estuary Issuing CA G2, O=Estuary", "CN=Estuary Issuing CA G3, O=Estuary")]
    [InlineData("O=Estuary, CN=Devices G9", "O=Estuary, CN=Devices G10")]
    public void The_next_subject_carries_the_next_generation_number(string current, string expected)
    {
        var next = IssuingCaRenewal.NextSubject(new X500DistinguishedName(current), new HashSet<string>());

        Assert.Equal(expected, next.Name);
    }

    [Fact]
    public void The_next_subject_skips_names_still_in_use()
    {
        var inUse = new HashSet<string> { "CN=Estuary Issuing CA G2, O=Estuary" };

        Assert.Equal("CN=Estuary Issuing CA G3, O=Estuary", IssuingCaRenewal.NextSubject(new X500DistinguishedName("CN=Estuary Issuing CA, O=Estuary"), inUse).Name);
    }

    [Fact]
    public void A_loaded_CA_takes_up_a_renewal_signs_with_the_new_key_and_retires_the_old_one_once_it_expired()
    {
        var dir = Directory.CreateTempSubdirectory("estuary-renewal").FullName;
        var options = new CaOptions { IssuingValidityDays = 10, IssuingKeyAlgorithm = "RSA-2048" };
        using var material = CaDirectory.LoadOrCreate(dir, options, TimeProvider.System);
        var ca = material.Issuing;
        var before = ca.Current;
        Assert.False(IssuingCaFolder.Reload(material, TimeProvider.System));

        using var renewed = IssuingCaRenewal.Renew(dir, options, null, TimeProvider.System)!;
        Assert.True(IssuingCaFolder.Reload(material, TimeProvider.System));

        Assert.Equal(renewed.Thumbprint, ca.Certificate.Thumbprint);
        Assert.Equal(before.KeyIdentifierHex, Assert.Single(ca.Previous).KeyIdentifierHex);
        Assert.Equal("CN=Estuary Issuing CA, O=Estuary", before.Certificate.Subject); // a pinned generation never changes
        Assert.False(ca.IssuedThis(renewed)); // the root issued it, not the issuing CA
        Assert.Equal([ca.KeyIdentifierHex, before.KeyIdentifierHex], ca.Generations.Select(g => g.KeyIdentifierHex));

        // A second loader (another node, a restart) sees the same two CAs.
        using (var again = CaDirectory.LoadOrCreate(dir, options, TimeProvider.System))
        {
            Assert.Equal(ca.KeyIdentifierHex, again.Issuing.KeyIdentifierHex);
            Assert.Equal(before.KeyIdentifierHex, Assert.Single(again.Issuing.Previous).KeyIdentifierHex);
        }

        var later = new FixedTime(DateTimeOffset.UtcNow.AddDays(11));
        Assert.Equal([before.KeyIdentifierHex], IssuingCaFolder.RetireExpired(dir, later.GetUtcNow()));
        Assert.True(IssuingCaFolder.Reload(material, later));
        Assert.Empty(ca.Previous);
        Assert.Single(Directory.GetDirectories(Path.Combine(dir, RootRollover.RetiredFolder)));
        Directory.Delete(dir, recursive: true);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
