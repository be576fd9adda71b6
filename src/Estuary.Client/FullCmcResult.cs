using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>
/// A successful /fullcmc enrollment (RFC 7030 §4.3): the issued certificate, the other certificates of the
/// response (chain), and the RA certificate whose signature on the PKIResponse was verified.
/// </summary>
public sealed record FullCmcResult(X509Certificate2 Certificate, IReadOnlyList<X509Certificate2> OtherCertificates, X509Certificate2 ResponseSigner);
