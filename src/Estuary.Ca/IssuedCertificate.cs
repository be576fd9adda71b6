namespace Estuary.Ca;

/// <summary>A certificate the CA signed: its DER and the fields storage indexes.</summary>
public sealed record IssuedCertificate(byte[] Der, string SerialHex, DateTimeOffset NotBefore, DateTimeOffset NotAfter);
