using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Cmc;

namespace Estuary.Client;

/// <summary>
/// The transactionId and senderNonce of one Full PKI Request (RFC 5272 §6.6) and the check of the answer:
/// a transactionId or recipientNonce the server returns must be ours. A server that returns neither is
/// accepted (RFC 7030 does not require the controls); Estuary's server returns both.
/// </summary>
internal sealed class CmcExchange
{
    private CmcExchange(long transactionId, byte[] nonce, IReadOnlyList<CmcControl> controls)
    {
        TransactionId = transactionId;
        Nonce = nonce;
        Controls = controls;
    }

    public long TransactionId { get; }

    public byte[] Nonce { get; }

    public IReadOnlyList<CmcControl> Controls { get; }

    public static CmcExchange Start(long firstControlId)
    {
        var transactionId = RandomNumberGenerator.GetInt32(1, int.MaxValue);
        var nonce = RandomNumberGenerator.GetBytes(16);
        return new CmcExchange(transactionId, nonce,
        [
            CmcPkiData.IntegerControl(firstControlId, CmcOids.TransactionId, transactionId),
            CmcPkiData.OctetStringControl(firstControlId + 1, CmcOids.SenderNonce, nonce),
        ]);
    }

    /// <exception cref="EstClientException">The answer belongs to another transaction or does not answer our nonce.</exception>
    public void Check(string operation, CmcPkiResponse response)
    {
        if (response.Find(CmcOids.TransactionId) is { } transactionId && !SameInteger(transactionId, TransactionId))
        {
            throw new EstClientException(EstClientErrorKind.Protocol, $"{operation}: the PKIResponse carries another transactionId than the request's (RFC 5272 §6.6)");
        }

        if (response.Find(CmcOids.RecipientNonce) is { } recipientNonce && !(CmcPkiData.ReadOctetString(recipientNonce) ?? []).AsSpan().SequenceEqual(Nonce))
        {
            throw new EstClientException(EstClientErrorKind.Protocol, $"{operation}: the PKIResponse's recipientNonce is not the request's senderNonce (RFC 5272 §6.6)");
        }
    }

    private static bool SameInteger(CmcControl control, long expected)
    {
        try
        {
            var reader = new AsnReader(control.Value, AsnEncodingRules.BER);
            return reader.TryReadInt64(out var value) && value == expected;
        }
        catch (AsnContentException)
        {
            return false;
        }
    }
}
