using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Storage;

namespace Estuary.Ra;

/// <summary>
/// What an approver must see before saying yes (RFC 7030 §4.2.3): besides the subject and the requester, the names
/// the certificate will carry and the key it will certify, read from the stored request that approval will issue.
/// </summary>
public sealed record HeldRequestDetails(IReadOnlyList<string> SubjectAltNames, string KeyType)
{
    public static HeldRequestDetails Of(PendingRequest request)
    {
        try
        {
            var csr = CertificationRequest.Decode(request.Csr);
            var san = csr.FindExtension(Oids.SubjectAltName);
            var names = san is null ? [] : GeneralNames.Read(san.Value).Select(n => n.ToString()).ToList();
            return new HeldRequestDetails(names, csr.PublicKey.Name);
        }
        catch (EstProtocolException e)
        {
            return new HeldRequestDetails([], "unreadable request: " + e.Message);
        }
    }
}
