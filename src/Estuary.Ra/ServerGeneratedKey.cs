using Estuary.Ca;

namespace Estuary.Ra;

/// <summary>
/// The result of /serverkeygen (RFC 7030 §4.4): the issued certificate and its private key as PKCS#8
/// PrivateKeyInfo DER. The server keeps no copy; the caller writes it once and zeroes it.
/// </summary>
public sealed record ServerGeneratedKey(IssuedCertificate Certificate, byte[] PrivateKeyInfo);
