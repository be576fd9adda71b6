using System.Formats.Asn1;

namespace Estuary.Ca;

/// <summary>
/// The key of a pre-produced OCSP response (RFC 5019 §2.2.1, RFC 6960 §2.4): the DER of the one CertID
/// (hashAlgorithm, issuerNameHash, issuerKeyHash, serialNumber) of a request that asks nothing else. The response
/// echoes that CertID, so two requests share an answer exactly when their CertIDs are byte-identical.
/// </summary>
public sealed class OcspCacheKey : IEquatable<OcspCacheKey>
{
    private readonly byte[] _certId;
    private readonly int _hash;

    private OcspCacheKey(byte[] certId)
    {
        _certId = certId;
        var hash = default(HashCode); // seeded per process: a client cannot aim at one bucket
        hash.AddBytes(certId);
        _hash = hash.ToHashCode();
    }

    /// <summary>
    /// The key of <paramref name="request"/> when a pre-produced answer may serve it: a DER OCSPRequest (RFC 6960
    /// §4.1.1) with no version other than the default, no requestorName, no optionalSignature, exactly one Request with
    /// no singleRequestExtensions, and no requestExtensions (so no nonce, RFC 8954: a nonce asks for a fresh
    /// answer). Null for anything else, which the responder then answers in full (or refuses as malformed).
    /// Cheap on purpose: it runs before every answer, and reads only the structure, not the meaning.
    /// </summary>
    public static OcspCacheKey? TryRead(ReadOnlyMemory<byte> request)
    {
        try
        {
            var ocspRequest = new AsnReader(request, AsnEncodingRules.DER);
            var outer = ocspRequest.ReadSequence();
            ocspRequest.ThrowIfNotEmpty();
            var tbsRequest = outer.ReadSequence();
            if (outer.HasData)
            {
                return null; // optionalSignature
            }

            if (!tbsRequest.PeekTag().HasSameClassAndValue(Asn1Tag.Sequence))
            {
                return null; // [0] version or [1] requestorName
            }

            var requestList = tbsRequest.ReadSequence();
            if (tbsRequest.HasData)
            {
                return null; // [2] requestExtensions (a nonce)
            }

            var single = requestList.ReadSequence();
            if (requestList.HasData)
            {
                return null; // more than one certificate
            }

            var certId = single.ReadEncodedValue();
            if (single.HasData)
            {
                return null; // singleRequestExtensions
            }

            // CertID ::= SEQUENCE { AlgorithmIdentifier, OCTET STRING, OCTET STRING, INTEGER }: checked here so that a
            // key always names a well-formed CertID.
            var check = new AsnReader(certId, AsnEncodingRules.DER);
            var fields = check.ReadSequence();
            check.ThrowIfNotEmpty();
            fields.ReadSequence();
            if (!fields.TryReadPrimitiveOctetString(out _) || !fields.TryReadPrimitiveOctetString(out _))
            {
                return null;
            }

            fields.ReadIntegerBytes();
            fields.ThrowIfNotEmpty();
            return new OcspCacheKey(certId.ToArray());
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    public bool Equals(OcspCacheKey? other) => other is not null && _certId.AsSpan().SequenceEqual(other._certId);

    public override bool Equals(object? obj) => Equals(obj as OcspCacheKey);

    public override int GetHashCode() => _hash;
}
