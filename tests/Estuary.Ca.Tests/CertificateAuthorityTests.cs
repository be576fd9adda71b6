using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ca.Tests;

public sealed class CertificateAuthorityTests
{
    private static IssuanceInstructions Instructions(ECDsa key, DateTimeOffset notAfter, params CertificateExtension[] extensions) => new()
    {
        Subject = new X500DistinguishedName("CN=leaf, O=Test").RawData,
        SubjectPublicKeyInfo = key.ExportSubjectPublicKeyInfo(),
        NotBefore = DateTimeOffset.UtcNow.AddMinutes(-5),
        NotAfter = notAfter,
        Extensions = extensions,
    };

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("RSA-2048")]
    public void Issued_certificates_chain_to_the_root_and_carry_the_mandatory_extensions(string issuingKey)
    {
        var (ca, root) = TestCa.Create(issuingKey);
        using var _ = ca;
        using var key = TestCsr.NewP256();

        var issued = ca.Issue(Instructions(key, DateTimeOffset.UtcNow.AddDays(30)));
        using var certificate = X509CertificateLoader.LoadCertificate(issued.Der);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.Add(ca.Certificate);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        Assert.Equal(3, certificate.Version);
        var basicConstraints = certificate.Extensions.OfType<X509BasicConstraintsExtension>().Single();
        Assert.False(basicConstraints.CertificateAuthority);
        Assert.True(basicConstraints.Critical);
        var ski = certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single();
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().Single();
        Assert.Equal(ca.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().Single().SubjectKeyIdentifier, Convert.ToHexString(aki.KeyIdentifier!.Value.Span));
        Assert.NotNull(ski.SubjectKeyIdentifier);
        Assert.True(ca.IssuedThis(certificate));
    }

    [Fact]
    public void Serials_are_positive_16_octets_and_distinct()
    {
        var (ca, _) = TestCa.Create();
        using var __ = ca;
        using var key = TestCsr.NewP256();

        var serials = Enumerable.Range(0, 200).Select(_ => ca.Issue(Instructions(key, DateTimeOffset.UtcNow.AddDays(1))).SerialHex).ToList();

        Assert.Equal(serials.Count, serials.Distinct().Count());
        Assert.All(serials, s =>
        {
            Assert.Equal(32, s.Length);
            Assert.True(BigInteger.Parse("0" + s, System.Globalization.NumberStyles.HexNumber) > BigInteger.Pow(2, 64));
            Assert.True(Convert.ToByte(s[..2], 16) is >= 0x40 and < 0x80);
        });
    }

    [Fact]
    public void NotAfter_never_exceeds_the_issuing_CA()
    {
        var (ca, _) = TestCa.Create();
        using var __ = ca;
        using var key = TestCsr.NewP256();

        var issued = ca.Issue(Instructions(key, DateTimeOffset.UtcNow.AddYears(50)));

        Assert.True(issued.NotAfter <= ca.Certificate.NotAfter.ToUniversalTime());
    }

    [Fact]
    public void Only_the_instructed_extensions_are_added()
    {
        var (ca, _) = TestCa.Create();
        using var __ = ca;
        using var key = TestCsr.NewP256();
        var eku = new X509EnhancedKeyUsageExtension([new Oid(Oids.ClientAuth)], false);

        using var certificate = X509CertificateLoader.LoadCertificate(ca.Issue(Instructions(key, DateTimeOffset.UtcNow.AddDays(1), new CertificateExtension(Oids.ExtendedKeyUsage, false, eku.RawData))).Der);

        Assert.Equal(
            new[] { Oids.BasicConstraints, Oids.SubjectKeyIdentifier, Oids.AuthorityKeyIdentifier, Oids.ExtendedKeyUsage }.Order(),
            certificate.Extensions.Select(e => e.Oid!.Value!).Order());
    }

    [Fact]
    public void The_distribution_points_are_built_for_the_serial_the_certificate_gets()
    {
        var (ca, _) = TestCa.Create();
        using var _1 = ca;
        using var key = TestCsr.NewP256();
        var seen = new List<(string KeyIdentifier, string Serial)>();
        ca.DistributionPointsFor = (keyIdentifier, serial) =>
        {
            seen.Add((keyIdentifier, SerialNumber.ToHex(serial)));
            return DistributionExtensions.Create(new Uri($"http://crl.example/crl/{keyIdentifier}/p16-{CrlPartition.IndexOf(serial, 16)}.crl"), null);
        };

        var issued = ca.Issue(Instructions(key, DateTimeOffset.UtcNow.AddDays(1)));
        using var certificate = X509CertificateLoader.LoadCertificate(issued.Der);

        var (keyIdentifier, serialHex) = Assert.Single(seen);
        Assert.Equal(ca.KeyIdentifierHex, keyIdentifier);
        Assert.Equal(issued.SerialHex, serialHex);
        Assert.Equal(certificate.SerialNumber, serialHex);
        var partition = certificate.SerialNumberBytes.Span[^1] % 16; // big-endian: the last octet
        Assert.Contains($"/crl/{ca.KeyIdentifierHex}/p16-{partition}.crl", certificate.Extensions[Oids.CrlDistributionPoints]!.Format(false), StringComparison.Ordinal);
    }

    [Fact]
    public void IssuedThis_refuses_a_certificate_signed_by_another_key_with_the_same_issuer_name()
    {
        var (ca, _) = TestCa.Create();
        var (impostor, _) = TestCa.Create();
        using var a = ca;
        using var b = impostor;
        using var key = TestCsr.NewP256();

        using var forged = X509CertificateLoader.LoadCertificate(impostor.Issue(Instructions(key, DateTimeOffset.UtcNow.AddDays(1))).Der);

        Assert.False(ca.IssuedThis(forged));
    }

    [Fact]
    public async Task Openssl_accepts_the_issued_certificate_as_strict_X509()
    {
        var (ca, root) = TestCa.Create();
        using var _ = ca;
        using var key = TestCsr.NewP256();
        using var certificate = X509CertificateLoader.LoadCertificate(ca.Issue(Instructions(key, DateTimeOffset.UtcNow.AddDays(1))).Der);
        var dir = Directory.CreateTempSubdirectory("estuary-ca").FullName;
        await File.WriteAllTextAsync(Path.Combine(dir, "root.pem"), root.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "issuing.pem"), ca.Certificate.ExportCertificatePem());
        await File.WriteAllTextAsync(Path.Combine(dir, "leaf.pem"), certificate.ExportCertificatePem());

        var (code, output) = await Processes.RunAsync("openssl", $"verify -x509_strict -CAfile {dir}/root.pem -untrusted {dir}/issuing.pem {dir}/leaf.pem");

        Assert.True(code == 0, output);
    }
}
