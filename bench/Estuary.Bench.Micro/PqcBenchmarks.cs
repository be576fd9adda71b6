using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Crypto;

namespace Estuary.Bench.Micro;

/// <summary>
/// ML-DSA-44/65/87 against ECDSA P-256 (issue 16): the edge's CSR parse + signature verification, and the CA's
/// signature of one end-entity certificate (CertificateWriter, the issuance path), each for a key of that type.
/// `--sizes` on the command line prints certificate, chain, CSR and key sizes instead.
/// </summary>
[Config(typeof(ShortInProcessConfig))]
public class PqcBenchmarks
{
    private byte[] _csr = null!;
    private CaSigningKey _caKey = null!;
    private IssuanceInstructions _instructions = null!;
    private byte[] _issuer = null!;
    private byte[] _keyId = null!;

    [Params("P-256", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87")]
    public string Algorithm { get; set; } = "P-256";

    [GlobalSetup]
    public void Setup()
    {
        var algorithm = KeyAlgorithm.Parse(Algorithm);
        (_csr, var spki) = Csr(algorithm, "CN=device-42, O=Acme");
        _caKey = CaKeyFiles.Generate(algorithm);
        _issuer = new X500DistinguishedName("CN=Bench Issuing CA").RawData;
        _keyId = CertificateWriter.KeyIdentifier(CaCertificates.PublicKeyOf(_caKey).ExportSubjectPublicKeyInfo());
        _instructions = new IssuanceInstructions
        {
            Subject = new X500DistinguishedName("CN=device-42, O=Acme").RawData,
            SubjectPublicKeyInfo = spki,
            NotBefore = DateTimeOffset.UtcNow,
            NotAfter = DateTimeOffset.UtcNow.AddDays(365),
            Extensions = [],
        };
    }

    [GlobalCleanup]
    public void Cleanup() => _caKey.Dispose();

    /// <summary>What the edge does with every enrollment body: DER PKCS#10 decode and signature verification.</summary>
    [Benchmark]
    public CertificationRequest CsrVerify() => CertificationRequest.Decode(_csr);

    /// <summary>One end-entity certificate written and signed by a CA key of this type.</summary>
    [Benchmark]
    public byte[] CertificateSign() => CertificateWriter.Write(_instructions, [0x42, 0x17, 0x01], _issuer, _keyId, _caKey);

    /// <summary>A CSR for a fresh key of <paramref name="algorithm"/>, with its SubjectPublicKeyInfo.</summary>
    public static (byte[] Csr, byte[] Spki) Csr(KeyAlgorithm algorithm, string subject)
    {
        if (algorithm.Family == KeyFamily.MlDsa)
        {
            var key = MlDsaPrivateKey.Generate(algorithm.Oid!);
            var request = new CertificateRequest(new X500DistinguishedName(subject), PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA512);
            return (request.CreateSigningRequest(new MlDsaSignatureGenerator(key)), key.SubjectPublicKeyInfo);
        }

        using var ec = ECDsa.Create(algorithm.Curve!.Value);
        return (new CertificateRequest(subject, ec, algorithm.Hash).CreateSigningRequest(), ec.ExportSubjectPublicKeyInfo());
    }

    /// <summary>Sizes in octets of a CSR, an end-entity certificate, the chain (issuing + root) and the key files, per key type.</summary>
    public static void PrintSizes()
    {
        Console.WriteLine("| key type | CSR | end-entity certificate | issuing CA certificate | root certificate | /cacerts chain (DER sum) | private key PKCS#8 | signature |");
        Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var name in new[] { "P-256", "ML-DSA-44", "ML-DSA-65", "ML-DSA-87" })
        {
            var algorithm = KeyAlgorithm.Parse(name);
            var (csr, spki) = Csr(algorithm, "CN=device-42, O=Acme");
            using var root = CaKeyFiles.Generate(algorithm);
            using var issuingKey = CaKeyFiles.Generate(algorithm);
            var now = DateTimeOffset.UtcNow;
            var rootName = new X500DistinguishedName("CN=Estuary Root CA, O=Estuary");
            using var rootCertificate = CaCertificates.Create(rootName, CaCertificates.PublicKeyOf(root), rootName, root, null, null, now, now.AddYears(20));
            using var issuing = CaCertificates.Create(new X500DistinguishedName("CN=Estuary Issuing CA, O=Estuary"), CaCertificates.PublicKeyOf(issuingKey), rootName, root, rootCertificate, 0, now, now.AddYears(10));
            var ca = new CertificateAuthority(X509CertificateLoader.LoadCertificate(issuing.RawData), [rootCertificate], issuingKey);
            var ee = ca.Issue(new IssuanceInstructions { Subject = new X500DistinguishedName("CN=device-42, O=Acme").RawData, SubjectPublicKeyInfo = spki, NotBefore = now, NotAfter = now.AddDays(365), Extensions = [] });
            var pkcs8 = issuingKey is MlDsaSigningKey m ? m.Key.ExportPkcs8() : ((SoftwareSigningKey)issuingKey).Key.ExportPkcs8PrivateKey();
            var signature = issuingKey.Sign([1, 2, 3]).Length;
            Console.WriteLine($"| {name} | {csr.Length} | {ee.Der.Length} | {issuing.RawData.Length} | {rootCertificate.RawData.Length} | {issuing.RawData.Length + rootCertificate.RawData.Length} | {pkcs8.Length} | {signature} |");
        }
    }
}
