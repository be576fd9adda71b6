namespace Estuary.Cli.Backup;

/// <summary>
/// Where the CA keys are when they live in a PKCS#11 token: enough to find them again, never the PIN. The keys
/// themselves cannot leave the token (CKA_EXTRACTABLE false); the token is backed up with its vendor's tools.
/// </summary>
internal sealed record HsmReference(string ModulePath, string TokenLabel, string RootKeyLabel, string IssuingKeyLabel);
