namespace Estuary.Ra;

/// <summary>
/// The one place that says yes: may this principal perform this operation on this label's profile? Deny by
/// default: every operation has its rule in the switch, and one without a rule is refused. The RA calls it for
/// every operation after authentication and before it looks at the request; the RA audits every refusal.
/// Authentication has already established the principal's provenance (its account is enabled; a certificate is
/// one this RA recorded, unexpired and unrevoked).
/// </summary>
public static class EstAuthorization
{
    /// <summary>Null when allowed, else the 403 (or 400 for an operation the label does not offer) to return.</summary>
    /// <param name="operation">What the client asks for.</param>
    /// <param name="who">The authenticated client.</param>
    /// <param name="profile">The profile of the label the request arrived on.</param>
    /// <param name="accountGroups">The groups of <paramref name="who"/>'s account (empty when none or not looked up).</param>
    public static EstError? Authorize(EstOperation operation, EstPrincipal who, Profile profile, IReadOnlyCollection<string> accountGroups)
    {
        // A principal without an account is never the result of authentication; refuse rather than guess.
        if (who.Account is null)
        {
            return EstError.Forbidden($"{who.Describe()} belongs to no EST account");
        }

        // A CMS signature proves the key of one certificate for one purpose: renewing it (RFC 5272 §3.2.1.3.1).
        if (who.Method == AuthenticationMethod.CmsSignature && operation != EstOperation.FullCmcReenroll)
        {
            return EstError.Forbidden($"a CMC request signed by a certificate authenticates the renewal of that certificate only, not {operation.Name()}");
        }

        return operation switch
        {
            EstOperation.SimpleEnroll => MayUseTemplate(who, profile, accountGroups),
            EstOperation.SimpleReenroll => MayRenew(AuthenticationMethod.ClientCertificate, who, profile, accountGroups),
            EstOperation.FullCmcReenroll => profile.RequireApproval
                ? EstError.Forbidden($"label '{profile.Label}' requires approval, which Estuary offers through simpleenroll only")
                : MayRenew(AuthenticationMethod.CmsSignature, who, profile, accountGroups),
            EstOperation.ServerKeyGen => MayGenerateKeys(who, profile, accountGroups),
            EstOperation.FullCmcEnroll => profile.RequireApproval
                ? EstError.Forbidden($"label '{profile.Label}' requires approval, which Estuary offers through simpleenroll only")
                : MayUseTemplate(who, profile, accountGroups),

            // Which certificates a client may revoke is decided per target (RegistrationAuthority.CmcRevocation); here
            // only that an authenticated client of an enabled account may send a revokeRequest at all.
            EstOperation.FullCmcRevoke => null,
            _ => EstError.Forbidden($"operation {operation} has no authorization rule"),
        };
    }

    /// <summary>
    /// RFC 7030 §4.2.2: the certificate being renewed authenticates — over TLS for simplereenroll, by signing the PKIData
    /// for fullcmc (RFC 5272 §3.2.1.3.1); one issued on this label may always renew itself, else the template decides.
    /// </summary>
    private static EstError? MayRenew(AuthenticationMethod proof, EstPrincipal who, Profile profile, IReadOnlyCollection<string> accountGroups)
    {
        if (who.Method != proof)
        {
            return EstError.Forbidden(proof == AuthenticationMethod.ClientCertificate
                ? "simplereenroll needs TLS client authentication with the certificate being renewed (RFC 7030 §3.3.2)"
                : "a fullcmc renewal is authenticated by the signature of the certificate being renewed (RFC 5272 §3.2.1.3.1)");
        }

        return string.Equals(who.IssuedLabel, profile.Label, StringComparison.Ordinal) ? null : MayUseTemplate(who, profile, accountGroups);
    }

    /// <summary>RFC 7030 §4.4: only where the label offers it, and never with approval (the key would wait on the server).</summary>
    private static EstError? MayGenerateKeys(EstPrincipal who, Profile profile, IReadOnlyCollection<string> accountGroups)
    {
        if (!profile.ServerKeyGen)
        {
            return EstError.Forbidden($"label '{profile.Label}' does not offer server-side key generation (RFC 7030 §4.4)");
        }

        if (profile.RequireApproval)
        {
            return EstError.Forbidden($"label '{profile.Label}' requires approval; server-side key generation is not offered there");
        }

        return MayUseTemplate(who, profile, accountGroups);
    }

    private static EstError? MayUseTemplate(EstPrincipal who, Profile profile, IReadOnlyCollection<string> accountGroups) =>
        profile.Template is not { } template || template.Allows(who, accountGroups)
            ? null
            : EstError.Forbidden($"{who.Describe()} may not use template '{template.TemplateName}' (label '{profile.Label}')");
}
