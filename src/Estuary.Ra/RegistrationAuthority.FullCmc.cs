using System.Security.Cryptography;
using Estuary.Protocol.Cmc;

namespace Estuary.Ra;

/// <summary>/fullcmc (RFC 7030 §4.3, RFC 5272/5273/5274).</summary>
public sealed partial class RegistrationAuthority
{
    /// <summary>The controls acted on (RFC 5272 §6); any other control fails the whole PKIData.</summary>
    private static readonly HashSet<string> UnderstoodControls = new(StringComparer.Ordinal)
    {
        CmcOids.TransactionId,
        CmcOids.SenderNonce,
        CmcOids.RecipientNonce,
        CmcOids.RevokeRequest,
    };

    /// <summary>/fullcmc without revocation: a revokeRequest control is answered with failed.</summary>
    public Task<EstResult<FullCmcOutcome>> FullCmcAsync(EstRequestContext context, CmcRequest request, CancellationToken cancellationToken) =>
        FullCmcAsync(context, request, revocations: null, cancellationToken);

    /// <summary>
    /// /fullcmc (RFC 7030 §4.3): the EST authentication of simpleenroll decides who asks; each PKCS#10 of the
    /// PKIData goes through the same issuance pipeline, each revokeRequest control through
    /// <paramref name="revocations"/> once this RA has authorized it. Failures of a parseable request are
    /// answered in CMC (CMCStatusInfoV2 failed + CMCFailInfo, RFC 5272 §6.1.1), not as HTTP errors; only the
    /// label and the authentication are HTTP matters. transactionId is echoed and senderNonce answered with
    /// recipientNonce and a fresh senderNonce (RFC 5272 §6.6), whatever the outcome.
    /// </summary>
    public Task<EstResult<FullCmcOutcome>> FullCmcAsync(EstRequestContext context, CmcRequest request, RevocationService? revocations, CancellationToken cancellationToken) =>
        FullCmcAsync(context, () => EstResult<CmcRequest>.Ok(request), revocations, cancellationToken);

    /// <summary>
    /// /fullcmc with the CMS still undecoded: the label and the EST authentication (TLS or Basic, RFC 7030 §3.3, which
    /// do not depend on the body) come first, and <paramref name="decode"/> — the edge's CMC parser — runs after them for
    /// an authenticated client. A client without credentials may still be authenticated by the PKIData's signature, for
    /// a renewal of the certificate that signed it (<see cref="IdentifyBySignatureAsync"/>); only then does its body reach
    /// the parser, and it gets the same 401 as before unless that renewal is what it sent.
    /// </summary>
    public async Task<EstResult<FullCmcOutcome>> FullCmcAsync(EstRequestContext context, Func<EstResult<CmcRequest>> decode, RevocationService? revocations, CancellationToken cancellationToken)
    {
        Admission admission;
        CmcRequest request;
        var identified = await IdentifyAsync(EstOperation.FullCmcEnroll, context, cancellationToken);
        if (identified.Value is { } identifiedAdmission)
        {
            var decoded = decode();
            if (decoded.Value is not { } decodedRequest)
            {
                return decoded.Error!;
            }

            // The door is passed once per PKIData: as an enrollment when it carries certification requests, else as a
            // revocation (each revokeRequest target is then decided on its own, RegistrationAuthority.CmcRevocation).
            request = decodedRequest;
            admission = identifiedAdmission with { Operation = request.Requests.Count > 0 ? EstOperation.FullCmcEnroll : EstOperation.FullCmcRevoke };
        }
        else
        {
            var bySignature = await IdentifyBySignatureAsync(context, decode, identified.Error!, cancellationToken);
            if (!bySignature.IsSuccess)
            {
                return bySignature.Error!;
            }

            (admission, request) = bySignature.Value;
        }

        // The label and the EST authentication are HTTP matters (404, 401, 403); a refusal of an authenticated client
        // is answered in CMC, so that it can read which body parts failed and why.
        if (await AuthorizeAsync(admission, context, cancellationToken) is { } denied)
        {
            return Failed(AllBodyParts(request), CmcFailInfo.BadRequest, denied.Message, AnswerControls(request), admission.Profile);
        }

        var who = admission.Principal;
        var echo = AnswerControls(request);
        var revokes = request.Controls.Where(c => c.Type == CmcOids.RevokeRequest).ToList();
        var allParts = AllBodyParts(request);
        if (request.SignatureProblem is { } signatureProblem)
        {
            LogRefused(_logger, "fullcmc", who.Id, context.Label, signatureProblem);
            return Failed(allParts, CmcFailInfo.BadMessageCheck, signatureProblem, echo, admission.Profile);
        }

        // RFC 5272 §3.2.1.2: a control that is not understood fails the PKIData; nothing of it is acted on.
        if (request.Controls.FirstOrDefault(c => !UnderstoodControls.Contains(c.Type)) is { } unknown)
        {
            var reason = $"control {unknown.Type} (bodyPartID {unknown.BodyPartId}) is not supported; Estuary acts on transactionId, senderNonce, recipientNonce and revokeRequest";
            LogRefused(_logger, "fullcmc", who.Id, context.Label, reason);
            return Failed([unknown.BodyPartId], CmcFailInfo.BadRequest, reason, echo, admission.Profile);
        }

        if (request.Requests.Count == 0 && revokes.Count == 0)
        {
            return Failed(allParts, CmcFailInfo.BadRequest, "the PKIData holds no certification request and no revokeRequest", echo, admission.Profile);
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

            string? replaces = null;
            if (admission.Operation == EstOperation.FullCmcReenroll)
            {
                // RFC 7030 §4.2.2 applies to each request of a renewal, recorded as replacing the signer's certificate.
                if (RenewalNameProblem(csr, who.Certificate!) is { } problem)
                {
                    await RefuseAsync(admission, context, RefusedPolicy, EstError.BadRequest(problem), cancellationToken);
                    statuses.Add(new CmcStatusInfo(CmcStatus.Failed, [tagged.BodyPartId], problem, CmcFailInfo.BadRequest));
                    continue;
                }

                replaces = who.CertificateSerial;
            }

            var issued = await IssueAsync(admission, csr, replaces, context, cancellationToken);
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

        foreach (var revoke in revokes)
        {
            statuses.Add(await RevokeByCmcAsync(revoke, who, request, context, revocations, cancellationToken));
        }

        return Outcome(statuses, certificates, echo, admission.Profile);
    }

    private static List<long> AllBodyParts(CmcRequest request) =>
        request.Requests.Select(r => r.BodyPartId)
            .Concat(request.Controls.Where(c => c.Type == CmcOids.RevokeRequest).Select(c => c.BodyPartId))
            .DefaultIfEmpty(0).ToList();

    /// <summary>
    /// RFC 5272 §6.6: transactionId is returned unchanged; a senderNonce comes back as recipientNonce beside a
    /// new senderNonce of our own, so the client can tie this response to its request.
    /// </summary>
    private static List<CmcControl> AnswerControls(CmcRequest request)
    {
        var answer = new List<CmcControl>();
        if (request.Controls.FirstOrDefault(c => c.Type == CmcOids.TransactionId) is { } transactionId)
        {
            answer.Add(new CmcControl(0, CmcOids.TransactionId, transactionId.Values));
        }

        if (request.Controls.FirstOrDefault(c => c.Type == CmcOids.SenderNonce) is { } senderNonce)
        {
            answer.Add(new CmcControl(0, CmcOids.RecipientNonce, senderNonce.Values));
            answer.Add(CmcPkiData.OctetStringControl(0, CmcOids.SenderNonce, RandomNumberGenerator.GetBytes(16)));
        }

        return answer;
    }

    /// <summary>Numbers the answered controls after the statuses, which the encoder numbers 1..n (bodyPartIDs are unique per message, RFC 5272 §3.2.1.2).</summary>
    /// <remarks>
    /// The CA chain always travels in the SignedData (RFC 5272 §3.2.2): it lets the client validate what it got
    /// and the certificate that signed the answer, a failure or a revocation included. On a label whose hierarchy is
    /// ML-DSA the answer is signed by that hierarchy's issuing CA with ML-DSA (RFC 9882) and carries that chain only;
    /// elsewhere by the ECDSA RA certificate, with the main chain (and a further hierarchy's chain for its certificates).
    /// </remarks>
    private EstResult<FullCmcOutcome> Outcome(List<CmcStatusInfo> statuses, List<ReadOnlyMemory<byte>> certificates, List<CmcControl> echo, Profile? profile = null)
    {
        var next = statuses.Count + 1L;
        var controls = echo.Select(c => c with { BodyPartId = next++ }).ToList();
        var ca = profile is null ? null : CaOf(profile);
        if (ca is not null && ca.SigningKey is Ca.MlDsaSigningKey)
        {
            certificates.Add(ca.Certificate.RawDataMemory);
            certificates.AddRange(ca.Chain.Select(c => c.RawDataMemory));
            return EstResult<FullCmcOutcome>.Ok(new FullCmcOutcome(statuses, certificates, controls) { MlDsaSigner = ca });
        }

        certificates.Add(_ca.Certificate.RawDataMemory);
        certificates.AddRange(_ca.Chain.Select(c => c.RawDataMemory));
        if (ca is not null && ca != _ca)
        {
            // A label on another hierarchy: its chain validates the issued certificate, the main chain above the RA
            // certificate that signs this response.
            certificates.Add(ca.Certificate.RawDataMemory);
            certificates.AddRange(ca.Chain.Select(c => c.RawDataMemory));
        }

        return EstResult<FullCmcOutcome>.Ok(new FullCmcOutcome(statuses, certificates, controls));
    }

    private EstResult<FullCmcOutcome> Failed(IReadOnlyList<long> bodyParts, CmcFailInfo failInfo, string reason, List<CmcControl> echo, Profile? profile = null) =>
        Outcome([new CmcStatusInfo(CmcStatus.Failed, bodyParts, reason, failInfo)], [], echo, profile);
}
