using Estuary.Protocol.Cmc;

namespace Estuary.Ra;

/// <summary>/fullcmc (RFC 7030 §4.3, RFC 5272/5273/5274).</summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>
    /// /fullcmc (RFC 7030 §4.3): the EST authentication of simpleenroll decides who asks; each PKCS#10 of the
    /// PKIData goes through the same issuance pipeline. Failures of a parseable request are answered in CMC
    /// (CMCStatusInfoV2 failed + CMCFailInfo, RFC 5272 §6.1.1), not as HTTP errors; only the label and the
    /// authentication are HTTP matters. Controls (revocation, transactionId, nonces, …) are not acted on.
    /// </summary>
    public async Task<EstResult<FullCmcOutcome>> FullCmcAsync(EstRequestContext context, CmcRequest request, CancellationToken cancellationToken)
    {
        if (_labels.Find(context.Label) is not { } profile)
        {
            return UnknownLabel(context.Label);
        }

        var principal = await _authenticator.AuthenticateAsync(context, cancellationToken);
        if (principal.Value is not { } who)
        {
            return principal.Error!;
        }

        var allParts = request.Requests.Select(r => r.BodyPartId).DefaultIfEmpty(0).ToList();
        if (request.SignatureProblem is { } signatureProblem)
        {
            LogRefused(_logger, "fullcmc", who.Id, context.Label, signatureProblem);
            return Failed(allParts, CmcFailInfo.BadMessageCheck, signatureProblem);
        }

        if (request.Requests.Count == 0)
        {
            return Failed(allParts, CmcFailInfo.BadRequest, "the PKIData holds no certification request");
        }

        if (profile.RequireApproval)
        {
            return Failed(allParts, CmcFailInfo.BadRequest, $"label '{LabelText(context.Label)}' requires approval, which Estuary offers through simpleenroll only");
        }

        var statuses = new List<CmcStatusInfo>();
        var certificates = new List<ReadOnlyMemory<byte>>();
        foreach (var tagged in request.Requests)
        {
            if (tagged.Csr is not { } csr)
            {
                statuses.Add(new CmcStatusInfo(CmcStatus.Failed, [tagged.BodyPartId], tagged.Problem, tagged.ProblemInfo));
                continue;
            }

            var issued = await IssueAsync(profile, who, csr, "fullcmc", replaces: null, context, cancellationToken);
            if (issued.Value is { } certificate)
            {
                certificates.Add(certificate.Der);
                statuses.Add(new CmcStatusInfo(CmcStatus.Success, [tagged.BodyPartId]));
            }
            else
            {
                var failInfo = issued.Error!.Kind == EstErrorKind.Unavailable ? CmcFailInfo.TryLater : CmcFailInfo.BadRequest;
                statuses.Add(new CmcStatusInfo(CmcStatus.Failed, [tagged.BodyPartId], issued.Error.Message, failInfo));
            }
        }

        if (certificates.Count > 0)
        {
            // The chain lets the client validate what it got (RFC 5272 §3.2.2: certificates of the SignedData).
            certificates.Add(_ca.Certificate.RawDataMemory);
            certificates.AddRange(_ca.Chain.Select(c => c.RawDataMemory));
        }

        return EstResult<FullCmcOutcome>.Ok(new FullCmcOutcome(statuses, certificates));
    }

    private static EstResult<FullCmcOutcome> Failed(IReadOnlyList<long> bodyParts, CmcFailInfo failInfo, string reason) =>
        EstResult<FullCmcOutcome>.Ok(new FullCmcOutcome([new CmcStatusInfo(CmcStatus.Failed, bodyParts, reason, failInfo)], []));
}
