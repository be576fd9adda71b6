using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using BenchmarkDotNet.Attributes;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Ra;

namespace Estuary.Bench.Micro;

/// <summary>
/// The issuance pipeline of one enrollment (base64 → PKCS#10 → profile → sign → certs-only → base64),
/// each stage alone (the breakdown), the raw crypto it cannot beat (ECDSA P-256 verify + sign of the same
/// sizes), and the naive BCL path (CertificateRequest.LoadSigningRequest + Create + PKCS#7 export).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class IssuanceBenchmarks
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "estuary-bench-" + Guid.NewGuid().ToString("N")[..8]);
    private CaMaterial _material = null!;
    private CertificateAuthority _ca = null!;
    private Profile _profile = null!;
    private byte[] _body = null!;
    private byte[] _csrDer = null!;
    private CertificationRequest _csr = null!;
    private IssuanceInstructions _instructions = null!;
    private byte[] _certificateDer = null!;
    private byte[] _certsOnly = null!;
    private ECDsa _subjectKey = null!;
    private ECDsa _caKey = null!;
    private byte[] _csrTbs = null!;
    private byte[] _csrSignature = null!;
    private byte[] _certificateTbs = null!;
    private X509SignatureGenerator _bclGenerator = null!;

    [GlobalSetup]
    public void Setup()
    {
        Directory.CreateDirectory(_dataDir);
        _material = CaDirectory.LoadOrCreate(_dataDir, new CaOptions { KeyPassphrase = "bench-passphrase-not-secret" }, TimeProvider.System);
        _ca = _material.Issuing;
        _profile = Profile.Compile("default", ProfileOptions.DefaultClient());
        _subjectKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=device-42, O=Acme", _subjectKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName("device-42.example");
        request.CertificateExtensions.Add(san.Build());
        _csrDer = request.CreateSigningRequest();
        _body = Encoding.ASCII.GetBytes(Convert.ToBase64String(_csrDer, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n", StringComparison.Ordinal) + "\n");
        _csr = CertificationRequest.Decode(_csrDer);
        _instructions = CsrPolicy.Apply(_profile, _csr, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).Value!;
        _certificateDer = _ca.Issue(_instructions).Der;
        _certsOnly = CertsOnly.Encode([_certificateDer]);

        // Raw crypto of the same sizes: the CSR's own signed part and signature, and a TBS as large as ours.
        var reader = new System.Formats.Asn1.AsnReader(_csrDer, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        _csrTbs = reader.ReadEncodedValue().ToArray();
        reader.ReadSequence();
        _csrSignature = reader.ReadBitString(out _);
        var certificateReader = new System.Formats.Asn1.AsnReader(_certificateDer, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        _certificateTbs = certificateReader.ReadEncodedValue().ToArray();
        _caKey = (ECDsa)((SoftwareSigningKey)_ca.SigningKey).Key;
        _bclGenerator = X509SignatureGenerator.CreateForECDsa(_caKey);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _material.Dispose();
        _subjectKey.Dispose();
        Directory.Delete(_dataDir, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "Estuary pipeline (base64 → CSR → policy → sign → certs-only → base64)")]
    public byte[] Pipeline()
    {
        var csr = CertificationRequest.Decode(EstBase64.Decode(_body));
        var instructions = CsrPolicy.Apply(_profile, csr, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).Value!;
        var issued = _ca.Issue(instructions);
        return EstBase64.Encode(CertsOnly.Encode([issued.Der]), Base64Layout.Wrapped64);
    }

    [Benchmark(Description = "raw crypto: ECDSA P-256 verify (CSR) + sign (TBS)")]
    public byte[] RawCrypto()
    {
        using var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(_csr.SubjectPublicKeyInfo.Span, out _);
        if (!key.VerifyData(_csrTbs, _csrSignature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence))
        {
            throw new CryptographicException("bad signature");
        }

        return _caKey.SignData(_certificateTbs, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
    }

    [Benchmark(Description = "naive BCL (LoadSigningRequest + Create + PKCS#7 export + base64)")]
    public string NaiveBcl()
    {
        var der = Convert.FromBase64String(Encoding.ASCII.GetString(_body));
        var request = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.UnsafeLoadCertificateExtensions);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_ca.Certificate, true, false));
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F;
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.Create(_ca.Certificate.SubjectName, _bclGenerator, now.AddMinutes(-5), now.AddDays(365), serial);
        var pkcs7 = new X509Certificate2Collection(certificate).Export(X509ContentType.Pkcs7)!;
        return Convert.ToBase64String(pkcs7, Base64FormattingOptions.InsertLineBreaks);
    }

    [Benchmark(Description = "stage: base64 decode")]
    public byte[] StageBase64Decode() => EstBase64.Decode(_body);

    [Benchmark(Description = "stage: CertificationRequest.Decode (parse + verify)")]
    public CertificationRequest StageCsrDecode() => CertificationRequest.Decode(_csrDer);

    [Benchmark(Description = "stage: CsrPolicy.Apply")]
    public IssuanceInstructions StagePolicy() => CsrPolicy.Apply(_profile, _csr, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).Value!;

    [Benchmark(Description = "stage: CertificateAuthority.Issue (write + sign)")]
    public IssuedCertificate StageIssue() => _ca.Issue(_instructions);

    [Benchmark(Description = "stage: CertsOnly.Encode + base64 encode")]
    public byte[] StageEncode() => EstBase64.Encode(CertsOnly.Encode([_certificateDer]), Base64Layout.Wrapped64);
}
