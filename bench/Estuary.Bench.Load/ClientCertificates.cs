using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Estuary.Bench.Load;

/// <summary>Enrolls client certificates (outside the timed run) for the mutual-TLS simplereenroll benchmark.</summary>
internal static class ClientCertificates
{
    public const string Subject = "CN=bench-mtls, O=Estuary Bench";

    public static async Task<int> EnrollAsync(Arguments options)
    {
        var dir = options.Get("out-dir");
        Directory.CreateDirectory(dir);
        using var client = Http.CreateClient(options, handshakePerRequest: false, clientCertificate: null);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(options.Get("user") + ":" + options.Get("password"))));
        for (var i = 0; i < options.GetInt("count", 16); i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var csr = new CertificateRequest(Subject, key, HashAlgorithmName.SHA256).CreateSigningRequest();
            using var content = new ByteArrayContent(Encoding.ASCII.GetBytes(Convert.ToBase64String(csr)));
            content.Headers.ContentType = new MediaTypeHeaderValue("application/pkcs10");
            using var response = await client.PostAsync("simpleenroll", content);
            response.EnsureSuccessStatusCode();
            var pkcs7 = Convert.FromBase64String(await response.Content.ReadAsStringAsync());
            var collection = new X509Certificate2Collection();
#pragma warning disable SYSLIB0057 // PKCS#7 certs-only has no X509CertificateLoader equivalent
            collection.Import(pkcs7);
#pragma warning restore SYSLIB0057
            using var withKey = collection[0].CopyWithPrivateKey(key);
            await File.WriteAllBytesAsync(Path.Combine(dir, $"client-{i}.p12"), withKey.Export(X509ContentType.Pkcs12));
        }

        Console.WriteLine($"enrolled {options.GetInt("count", 16)} client certificates into {dir}");
        return 0;
    }

    public static X509Certificate2[] Load(string dir) =>
        Directory.GetFiles(dir, "client-*.p12").Order(StringComparer.Ordinal).Select(f => X509CertificateLoader.LoadPkcs12FromFile(f, null)).ToArray();
}
