using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Testing;

/// <summary>CSRs for tests, built with the BCL (an implementation other than our parser).</summary>
public static class TestCsr
{
    public static ECDsa NewP256() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>A DER PKCS#10 signed by <paramref name="key"/>, with optional SANs ("dns:x", "ip:1.2.3.4", "email:a@b", "uri:…").</summary>
    public static byte[] Create(string subject, AsymmetricAlgorithm key, params string[] sans)
    {
        var request = key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, HashAlgorithmName.SHA256),
            RSA rsa => new CertificateRequest(subject, rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("ECDSA or RSA key expected", nameof(key)),
        };
        if (sans.Length > 0)
        {
            var builder = new SubjectAlternativeNameBuilder();
            foreach (var san in sans)
            {
                var colon = san.IndexOf(':');
                var (type, value) = (san[..colon], san[(colon + 1)..]);
                switch (type)
                {
                    case "dns": builder.AddDnsName(value); break;
                    case "ip": builder.AddIpAddress(IPAddress.Parse(value)); break;
                    case "email": builder.AddEmailAddress(value); break;
                    case "uri": builder.AddUri(new Uri(value)); break;
                    default: throw new ArgumentException(san);
                }
            }

            request.CertificateExtensions.Add(builder.Build());
        }

        return request.CreateSigningRequest();
    }

    /// <summary>Base64 with 64-column LF lines, as curl+openssl send it.</summary>
    public static string Wrapped(byte[] der) => Convert.ToBase64String(der, Base64FormattingOptions.InsertLineBreaks).Replace("\r\n", "\n") + "\n";
}
