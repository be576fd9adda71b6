namespace Estuary.Protocol;

/// <summary>One X.509 extension requested in a CSR's extensionRequest attribute (RFC 2985 §5.4.2).</summary>
public sealed record CsrExtension(string Oid, bool Critical, ReadOnlyMemory<byte> Value);
