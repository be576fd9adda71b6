using Estuary.Ca;

namespace Estuary.Ra;

/// <summary>A certificate an upstream EST server issued: the certificate, its issuer's name, and the upstream operation used.</summary>
public sealed record UpstreamCertificate(IssuedCertificate Certificate, string Issuer, string UpstreamOperation);
