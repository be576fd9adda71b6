using System.Security.Cryptography.X509Certificates;

namespace Estuary.Client;

/// <summary>A revokeRequest (RFC 5272 §6.11) the server answered with success; <see cref="StatusString"/> is its text.</summary>
public sealed record CmcRevocationResult(string Serial, X509RevocationReason Reason, string? StatusString, X509Certificate2 ResponseSigner);
