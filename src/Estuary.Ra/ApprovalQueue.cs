using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Text;
using Estuary.Protocol;
using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// Manual approval of enrollments (RFC 7030 §4.2.3): the decisions an administrator takes on held
/// requests, shared by `estuary approvals` and the admin API. Deciding never issues: the client's next
/// repeat of its request collects the certificate through the RA, which issues it exactly once.
/// </summary>
public sealed class ApprovalQueue
{
    private readonly IEstuaryStore _store;
    private readonly TimeProvider _time;
    private readonly RaOptions _options;

    public ApprovalQueue(IEstuaryStore store, TimeProvider time, RaOptions options)
    {
        _store = store;
        _time = time;
        _options = options;
    }

    /// <summary>Held requests, newest first; <paramref name="status"/> null means all.</summary>
    public Task<IReadOnlyList<PendingRequest>> ListAsync(string? status, int limit, CancellationToken cancellationToken) =>
        _store.ListPendingRequestsAsync(status, limit, cancellationToken);

    public Task<PendingRequest?> FindAsync(long id, CancellationToken cancellationToken) => _store.FindPendingRequestAsync(id, cancellationToken);

    /// <summary>Approves a pending request; its next repeat gets the certificate.</summary>
    public Task<EstResult<PendingRequest>> ApproveAsync(long id, string actor, CancellationToken cancellationToken) =>
        DecideAsync(id, PendingRequestStatus.Approved, reason: null, actor, cancellationToken);

    /// <summary>Rejects a pending request; its repeats get 403 with <paramref name="reason"/>.</summary>
    public Task<EstResult<PendingRequest>> RejectAsync(long id, string actor, string reason, CancellationToken cancellationToken) =>
        string.IsNullOrWhiteSpace(reason)
            ? Task.FromResult<EstResult<PendingRequest>>(EstError.BadRequest("a rejection needs a reason; the client is shown it"))
            : DecideAsync(id, PendingRequestStatus.Rejected, reason.Trim(), actor, cancellationToken);

    /// <summary>True when an undecided request has waited longer than the configured lifetime.</summary>
    public bool IsExpired(PendingRequest request) =>
        request.Status == PendingRequestStatus.Pending && _time.GetUtcNow() - request.CreatedAt > _options.PendingRequestLifetime;

    /// <summary>
    /// The key under which a client's repeat finds its held request: label, requester, and the whole
    /// certificationRequestInfo (RFC 2986 §4.1: version, subject, public key and every attribute, requested extensions
    /// included) but for the challengePassword attribute. Not the signature: libest re-signs the CSR on every retry
    /// (ECDSA signatures differ); not challengePassword: with proof-of-possession linking (RFC 7030 §3.5) it carries
    /// the channel binding of each new TLS connection. A repeat with other SANs or attributes is another request.
    /// </summary>
    public static string RequestKey(string label, string requester, CertificationRequest csr)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in new[] { Encoding.UTF8.GetBytes(label), Encoding.UTF8.GetBytes(requester) }.Concat(RequestInfoParts(csr.Encoded)))
        {
            // Length-prefixed so that no two different tuples hash the same bytes.
            hash.AppendData(BitConverter.GetBytes(part.Length));
            hash.AppendData(part);
        }

        return Convert.ToHexString(hash.GetHashAndReset());
    }

    /// <summary>The DER of the certificationRequestInfo's version, subject, subjectPKInfo and each attribute but challengePassword.</summary>
    private static List<byte[]> RequestInfoParts(byte[] csr)
    {
        const string ChallengePassword = "1.2.840.113549.1.9.7";
        try
        {
            var info = new AsnReader(csr, AsnEncodingRules.DER).ReadSequence().ReadSequence();
            var parts = new List<byte[]>
            {
                info.ReadEncodedValue().ToArray(), // version
                info.ReadEncodedValue().ToArray(), // subject
                info.ReadEncodedValue().ToArray(), // subjectPKInfo
            };
            if (info.HasData)
            {
                var attributes = info.ReadSetOf(skipSortOrderValidation: true, new Asn1Tag(TagClass.ContextSpecific, 0));
                while (attributes.HasData)
                {
                    var attribute = attributes.ReadEncodedValue();
                    if (new AsnReader(attribute, AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier() != ChallengePassword)
                    {
                        parts.Add(attribute.ToArray());
                    }
                }
            }

            return parts;
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("the CSR's certificationRequestInfo cannot be read: " + e.Message, e);
        }
    }

    private async Task<EstResult<PendingRequest>> DecideAsync(long id, string decision, string? reason, string actor, CancellationToken cancellationToken)
    {
        var request = await _store.FindPendingRequestAsync(id, cancellationToken);
        if (request is null)
        {
            return EstError.NotFound($"no held request {id}");
        }

        var now = _time.GetUtcNow();
        if (IsExpired(request))
        {
            await _store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, PendingRequestStatus.Expired, "not decided in time", "system", now,
                new AuditEvent(now, "request.expired", "system", $"request {id} for '{request.Subject}' expired undecided"), cancellationToken);
            return EstError.Forbidden($"request {id} expired undecided; the client's next repeat starts a new request");
        }

        var kind = decision == PendingRequestStatus.Approved ? "request.approved" : "request.rejected";
        var detail = $"request {id} for '{request.Subject}' by {request.Requester}" + (reason is null ? "" : $": {reason}");
        if (!await _store.DecidePendingRequestAsync(id, PendingRequestStatus.Pending, decision, reason, actor, now, new AuditEvent(now, kind, actor, detail), cancellationToken))
        {
            var current = await _store.FindPendingRequestAsync(id, cancellationToken);
            return EstError.Forbidden($"request {id} is {current?.Status ?? "gone"}, not pending");
        }

        return EstResult<PendingRequest>.Ok((await _store.FindPendingRequestAsync(id, cancellationToken))!);
    }
}
