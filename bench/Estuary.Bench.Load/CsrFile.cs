using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Bench.Load;

/// <summary>Distinct CSRs, one single-line base64 PKCS#10 per line, generated before any timed run.</summary>
internal static class CsrFile
{
    public static int Generate(Arguments options)
    {
        var count = options.GetInt("count", 50_000);
        var subject = options.Get("subject", "");
        var rsa = options.Has("rsa");
        var lines = new string[count];
        Parallel.For(0, count, i =>
        {
            using AsymmetricAlgorithm key = rsa ? RSA.Create(2048) : ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var name = subject.Length > 0 ? subject : $"CN=bench-{i}, O=Estuary Bench";
            var request = key is RSA r
                ? new CertificateRequest(name, r, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1)
                : new CertificateRequest(name, (ECDsa)key, HashAlgorithmName.SHA256);
            lines[i] = Convert.ToBase64String(request.CreateSigningRequest());
        });
        File.WriteAllLines(options.Get("out"), lines);
        Console.WriteLine($"wrote {count} CSRs to {options.Get("out")}");
        return 0;
    }

    public static byte[][] Load(string path) =>
        File.ReadAllLines(path).Where(l => l.Length > 0).Select(l => System.Text.Encoding.ASCII.GetBytes(l)).ToArray();
}
