using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Crypto;

namespace Estuary.Bench.Load;

/// <summary>Distinct CSRs, one single-line base64 PKCS#10 per line, generated before any timed run.</summary>
internal static class CsrFile
{
    /// <summary>--key-type: p-256 (default), rsa-2048 (also --rsa), or ml-dsa-44/65/87 (pure ML-DSA, RFC 9881 §3).</summary>
    public static int Generate(Arguments options)
    {
        var count = options.GetInt("count", 50_000);
        var subject = options.Get("subject", "");
        var keyType = options.Has("rsa") ? "rsa-2048" : options.Get("key-type", "p-256").ToLowerInvariant();
        Func<string, byte[]>? create = keyType switch
        {
            "p-256" => EcCsr,
            "rsa-2048" => RsaCsr,
            "ml-dsa-44" => name => MlDsaCsr(name, Oids.MlDsa44),
            "ml-dsa-65" => name => MlDsaCsr(name, Oids.MlDsa65),
            "ml-dsa-87" => name => MlDsaCsr(name, Oids.MlDsa87),
            _ => null,
        };
        if (create is null)
        {
            Console.Error.WriteLine($"gen-csrs: --key-type {keyType} is not p-256, rsa-2048, ml-dsa-44, ml-dsa-65 or ml-dsa-87");
            return 2;
        }

        var lines = new string[count];
        Parallel.For(0, count, i => lines[i] = Convert.ToBase64String(create(subject.Length > 0 ? subject : $"CN=bench-{i}, O=Estuary Bench")));
        File.WriteAllLines(options.Get("out"), lines);
        Console.WriteLine($"wrote {count} {keyType} CSRs to {options.Get("out")}");
        return 0;
    }

    private static byte[] EcCsr(string subject)
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return new CertificateRequest(subject, ec, HashAlgorithmName.SHA256).CreateSigningRequest();
    }

    private static byte[] RsaCsr(string subject)
    {
        using var rsa = RSA.Create(2048);
        return new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequest();
    }

    /// <summary>A PKCS#10 signed with a fresh ML-DSA key (Bouncy Castle, as Estuary's own client makes them).</summary>
    private static byte[] MlDsaCsr(string subject, string oid)
    {
        var key = MlDsaPrivateKey.Generate(oid);
        // The hash is unused: pure ML-DSA signs the message itself; the BCL builder asks for one regardless.
        var request = new CertificateRequest(new X500DistinguishedName(subject), PublicKey.CreateFromSubjectPublicKeyInfo(key.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA512);
        return request.CreateSigningRequest(new MlDsaSignatureGenerator(key));
    }

    public static byte[][] Load(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => System.Text.Encoding.ASCII.GetBytes(l)).ToArray();
}
