using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>The answer to simpleenroll / simplereenroll (RFC 7030 §4.2.3): the issued certificate and any other certificates the server sent.</summary>
public sealed record EnrollmentResult(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> OtherCertificates);
