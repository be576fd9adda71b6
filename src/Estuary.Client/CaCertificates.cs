using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>The answer to /cacerts (RFC 7030 §4.1.3): the CA certificates, issuing CA first where it can be told.</summary>
public sealed class CaCertificates
{
    public CaCertificates(IReadOnlyList<X509Certificate2> certificates) => Certificates = certificates;

    public IReadOnlyList<X509Certificate2> Certificates { get; }

    /// <summary>The self-signed certificates of the response (the roots, RFC 7030 §4.1.3).</summary>
    public IEnumerable<X509Certificate2> Roots => Certificates.Where(IsSelfSigned);

    public static bool IsSelfSigned(X509Certificate2 certificate) =>
        certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData);
}
