using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;

namespace Estuary.Testing;

/// <summary>Small helpers to speak EST over an HttpClient in tests.</summary>
public static class EstWire
{
    public static HttpContent Pkcs10(byte[] der, string? body = null)
    {
        var content = new ByteArrayContent(Encoding.ASCII.GetBytes(body ?? TestCsr.Wrapped(der)));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pkcs10");
        return content;
    }

    /// <summary>Decodes a certs-only response body into certificates.</summary>
    public static async Task<List<X509Certificate2>> ReadCertsAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        return CertsOnly.Decode(EstBase64.Decode(body)).Select(d => X509CertificateLoader.LoadCertificate(d)).ToList();
    }

    /// <summary>Enrolls with Basic auth and returns the issued certificate joined to its key.</summary>
    public static async Task<X509Certificate2> EnrollAsync(HttpClient basicClient, string subject, ECDsa key, string path = "simpleenroll")
    {
        using var response = await basicClient.PostAsync(path, Pkcs10(TestCsr.Create(subject, key)));
        var text = response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"enroll failed: {(int)response.StatusCode} {text}");
        }

        var certificate = (await ReadCertsAsync(response)).Single();
        // Round-trip through PKCS#12 so that SslStream can use the key as a client credential on Linux.
        using var withKey = certificate.CopyWithPrivateKey(key);
        return X509CertificateLoader.LoadPkcs12(withKey.Export(X509ContentType.Pkcs12), null);
    }
}
