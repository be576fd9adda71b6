using System.Security.Cryptography;
using Estuary.Protocol;

namespace Estuary.Ra;

/// <summary>Proof-of-possession linking (RFC 7030 §3.5).</summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>
    /// RFC 7030 §3.5: a label that requires linking wants the CSR's challengePassword to hold the base64
    /// of the TLS channel binding of the connection the CSR arrives on (tls-unique on TLS 1.2; on TLS 1.3,
    /// which has no tls-unique, the RFC 9266 tls-exporter value), so that the key's holder is the party
    /// that authenticated this TLS session. Null when the label does not ask for linking or the value matches.
    /// </summary>
    private static EstError? CheckProofOfPossessionLinking(Profile profile, CertificationRequest csr, EstRequestContext context)
    {
        if (!profile.RequireProofOfPossessionLinking)
        {
            return null;
        }

        if (context.ChannelBinding is not { Value: { } expected } binding)
        {
            return EstError.Forbidden($"label '{LabelText(context.Label)}' requires proof-of-possession linking (RFC 7030 §3.5), but the TLS channel binding of this connection cannot be read: {context.ChannelBinding?.Problem ?? "not computed"}");
        }

        if (string.IsNullOrEmpty(csr.ChallengePassword))
        {
            return EstError.BadRequest($"label '{LabelText(context.Label)}' requires proof-of-possession linking (RFC 7030 §3.5): the CSR's challengePassword must hold the base64 {binding.Type} value of this TLS connection");
        }

        var presented = new byte[(csr.ChallengePassword.Length * 3 / 4) + 3];
        var matches = Convert.TryFromBase64String(csr.ChallengePassword.Trim(), presented, out var written)
            && CryptographicOperations.FixedTimeEquals(presented.AsSpan(0, written), expected);
        return matches
            ? null
            : EstError.Forbidden($"the CSR's challengePassword does not match the {binding.Type} channel binding of this TLS connection (RFC 7030 §3.5); it must be computed on the same connection that sends the CSR");
    }
}
