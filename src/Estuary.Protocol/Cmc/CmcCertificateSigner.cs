namespace Estuary.Protocol.Cmc;

/// <summary>
/// A SignerInfo of a Full PKI Request verified with a certificate the SignedData carries: the certificate (DER, only
/// its key checked here) and the signingTime signed attribute (RFC 5652 §11.3), null when absent.
/// </summary>
public sealed record CmcCertificateSigner(ReadOnlyMemory<byte> Certificate, DateTimeOffset? SigningTime);
