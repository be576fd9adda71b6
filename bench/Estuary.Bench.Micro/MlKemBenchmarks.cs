using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Org.BouncyCastle.Crypto.Parameters;

namespace Estuary.Bench.Micro;

/// <summary>
/// What an ML-KEM-768 serverkeygen costs beyond a P-256 one (RFC 9935 keys, Bouncy Castle): the key pair, one
/// encapsulation, and a whole KEMRecipientInfo envelope (RFC 9629: encapsulate + HKDF + AES key wrap + AES-CBC).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(ShortInProcessConfig))]
public class MlKemBenchmarks
{
    private MLKemPublicKeyParameters _publicKey = null!;
    private X509Certificate2 _recipient = null!;
    private byte[] _ski = null!;
    private readonly byte[] _content = RandomNumberGenerator.GetBytes(700); // about a signed key package

    [GlobalSetup]
    public void Setup()
    {
        var (spki, _) = MlKemKeys.Generate(Oids.MlKem768);
        _publicKey = MlKemKeys.ReadPublicKey(spki);
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=ML-KEM recipient"), PublicKey.CreateFromSubjectPublicKeyInfo(spki, out _), HashAlgorithmName.SHA256);
        _ski = SHA256.HashData(spki)[..20];
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(_ski, false));
        _recipient = request.Create(new X500DistinguishedName("CN=CA"), X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1), [1]);
    }

    [GlobalCleanup]
    public void Cleanup() => _recipient.Dispose();

    [Benchmark(Baseline = true, Description = "P-256 key pair + PKCS#8 (BCL)")]
    public byte[] P256KeyPair()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return PrivateKeyInfo.Encode(key);
    }

    [Benchmark(Description = "ML-KEM-768 key pair + SPKI + PKCS#8 seed")]
    public byte[] MlKem768KeyPair() => MlKemKeys.Generate(Oids.MlKem768).Pkcs8;

    [Benchmark(Description = "ML-KEM-768 encapsulation")]
    public byte[] MlKem768Encapsulate() => MlKemKeys.Encapsulate(_publicKey).Ciphertext;

    [Benchmark(Description = "KEMRecipientInfo envelope (768)")]
    public byte[] KemRecipientInfoEnvelope() => ServerGeneratedKeyEnvelope.EnvelopeForCertificate(_content, _recipient, _ski);
}
