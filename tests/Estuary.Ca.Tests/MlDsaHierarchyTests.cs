using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Crypto;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ca.Tests;

/// <summary>An ML-DSA hierarchy beside the ECDSA one: created in its own folder, signing pure ML-DSA (RFC 9881), checked by @noble/post-quantum.</summary>
public sealed class MlDsaHierarchyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("estuary-mldsa").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private CaMaterial Load(string algorithm = "ML-DSA-65", int issuingDays = 3650)
    {
        var options = new CaOptions();
        options.Hierarchies["pqc"] = new CaHierarchyOptions { KeyAlgorithm = algorithm, IssuingValidityDays = issuingDays };
        return CaDirectory.LoadOrCreate(_dir, options, TimeProvider.System);
    }

    [Theory]
    [InlineData("ML-DSA-44", Protocol.Asn1.Oids.MlDsa44)]
    [InlineData("ML-DSA-65", Protocol.Asn1.Oids.MlDsa65)]
    [InlineData("ML-DSA-87", Protocol.Asn1.Oids.MlDsa87)]
    public async Task A_configured_hierarchy_gets_its_own_ML_DSA_root_and_issuing_CA_that_Node_verifies(string algorithm, string oid)
    {
        using var material = Load(algorithm);
        var pqc = Assert.Single(material.Hierarchies);
        var folder = CaHierarchies.DirectoryOf(_dir, "pqc");

        Assert.Equal(oid, pqc.Root.PublicKey.Oid.Value);
        Assert.Equal(oid, pqc.Issuing.Certificate.PublicKey.Oid.Value);
        Assert.Equal(oid, pqc.Issuing.Certificate.SignatureAlgorithm.Value);
        Assert.Equal(Protocol.Asn1.Oids.EcPublicKey, material.Issuing.Certificate.PublicKey.Oid.Value); // the main CA is unchanged
        Assert.Same(pqc.Issuing, material.IssuingOf("pqc"));
        Assert.Same(material.Issuing, material.IssuingOf(null));
        Assert.Null(material.IssuingOf("nope"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(folder, CaDirectory.IssuingKeyFile)));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(folder));
        Assert.Contains("ENCRYPTED PRIVATE KEY", await File.ReadAllTextAsync(Path.Combine(folder, CaDirectory.RootKeyFile)));
        await AssertNodeVerifies("cert", pqc.Root.RawData, pqc.Root);
        await AssertNodeVerifies("cert", pqc.Issuing.Certificate.RawData, pqc.Root);
    }

    [Fact]
    public async Task End_entity_certificates_and_CRLs_of_the_hierarchy_are_ML_DSA_signed_with_absent_parameters()
    {
        using var material = Load();
        var ca = material.Hierarchies[0].Issuing;
        using var subjectKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var now = DateTimeOffset.UtcNow;
        var issued = ca.Issue(new IssuanceInstructions
        {
            Subject = new X500DistinguishedName("CN=device").RawData,
            SubjectPublicKeyInfo = subjectKey.ExportSubjectPublicKeyInfo(),
            NotBefore = now,
            NotAfter = now.AddDays(30),
            Extensions = [],
        });
        using var certificate = X509CertificateLoader.LoadCertificate(issued.Der);

        Assert.True(ca.IssuedThis(certificate));
        Assert.False(material.Issuing.IssuedThis(certificate));
        Assert.Equal(MlDsa.AlgorithmIdentifier(Protocol.Asn1.Oids.MlDsa65), SignatureAlgorithmDer(issued.Der));
        await AssertNodeVerifies("cert", issued.Der, ca.Certificate);

        var crl = CrlSigner.Sign(ca, [new CrlEntry(certificate.SerialNumberBytes.ToArray(), now, X509RevocationReason.KeyCompromise)], 7, now, now.AddDays(1));
        Assert.Equal(MlDsa.AlgorithmIdentifier(Protocol.Asn1.Oids.MlDsa65), SignatureAlgorithmDer(crl));
        await AssertNodeVerifies("crl", crl, ca.Certificate);

        // A flipped byte in the TBS must fail the independent check (the script really verifies).
        var tampered = (byte[])issued.Der.Clone();
        tampered[20] ^= 1;
        var (code, output) = await RunNode("cert", tampered, ca.Certificate);
        Assert.True(code == 1, output);
    }

    [Fact]
    public void A_restart_loads_the_same_hierarchy_and_a_wrong_passphrase_is_refused()
    {
        string thumbprint;
        using (var first = Load())
        {
            thumbprint = first.Hierarchies[0].Issuing.Certificate.Thumbprint;
        }

        using (var second = Load())
        {
            Assert.Equal(thumbprint, second.Hierarchies[0].Issuing.Certificate.Thumbprint);
        }

        Assert.ThrowsAny<CryptographicException>(() => CaKeyFiles.Load(Path.Combine(CaHierarchies.DirectoryOf(_dir, "pqc"), CaDirectory.IssuingKeyFile), "wrong"));
    }

    [Fact]
    public async Task The_hierarchy_issuing_CA_renews_under_its_ML_DSA_root_and_the_old_one_keeps_signing_CRLs()
    {
        using var material = Load(issuingDays: 100);
        var pqc = material.Hierarchies[0];
        var before = pqc.Issuing.Current;

        using var renewed = IssuingCaRenewal.Renew(pqc.Directory, pqc.Options, null, TimeProvider.System)!;
        Assert.True(pqc.Reload(TimeProvider.System));

        Assert.Equal(renewed.Thumbprint, pqc.Issuing.Certificate.Thumbprint);
        Assert.Equal(Protocol.Asn1.Oids.MlDsa65, renewed.PublicKey.Oid.Value);
        Assert.Contains(pqc.Issuing.Previous, p => p.KeyIdentifierHex == before.KeyIdentifierHex);
        await AssertNodeVerifies("cert", renewed.RawData, pqc.Root);
        var old = pqc.Issuing.Previous.Single();
        var crl = CrlSigner.Sign(old, [], 2, DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        await AssertNodeVerifies("crl", crl, old.Certificate);
        Assert.Contains(" G2", renewed.Subject, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_partition_CRL_of_an_ML_DSA_issuer_is_signed_by_the_same_ML_DSA_signer_as_its_full_CRL()
    {
        using var material = Load();
        var ca = material.Hierarchies[0].Issuing;
        var now = DateTimeOffset.UtcNow;
        var scope = new Protocol.IssuingDistributionPoint("http://crl.example/crl/" + ca.KeyIdentifierHex + "/p2-1.crl", OnlyContainsUserCerts: true);

        var partition = CrlSigner.Sign(ca, [new CrlEntry([0x41, 0x03], now, X509RevocationReason.Superseded)], 3, now, now.AddDays(1), scope);

        Assert.Equal(MlDsa.AlgorithmIdentifier(Protocol.Asn1.Oids.MlDsa65), SignatureAlgorithmDer(partition));
        Assert.True(CrlPartitionTests.CrlExtensions(partition)[Protocol.Asn1.Oids.IssuingDistributionPoint].Critical);
        await AssertNodeVerifies("crl", partition, ca.Certificate);
    }

    private static byte[] SignatureAlgorithmDer(byte[] signed)
    {
        var reader = new AsnReader(signed, AsnEncodingRules.DER).ReadSequence();
        reader.ReadEncodedValue();
        return reader.ReadEncodedValue().ToArray();
    }

    private async Task AssertNodeVerifies(string kind, byte[] der, X509Certificate2 issuer)
    {
        var (code, output) = await RunNode(kind, der, issuer);
        Assert.True(code == 0, output);
        Assert.Contains("verified: " + kind, output, StringComparison.Ordinal);
    }

    private async Task<(int, string)> RunNode(string kind, byte[] der, X509Certificate2 issuer)
    {
        var file = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".der");
        var issuerFile = Path.Combine(_dir, Guid.NewGuid().ToString("N") + ".der");
        await File.WriteAllBytesAsync(file, der);
        await File.WriteAllBytesAsync(issuerFile, issuer.RawData);
        return await NodeVerifier.RunAsync("mldsa-verify.mjs", kind, file, issuerFile);
    }
}
