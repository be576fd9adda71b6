namespace Estuary.Protocol.Cmc;

/// <summary>
/// One control of a PKIData or PKIResponse: TaggedAttribute ::= SEQUENCE { bodyPartID, attrType, attrValues
/// SET OF AttributeValue } (RFC 5272 §3.2.1.2). <see cref="Values"/> holds each value's DER.
/// </summary>
public sealed record CmcControl(long BodyPartId, string Type, IReadOnlyList<ReadOnlyMemory<byte>> Values)
{
    /// <summary>The single value most controls carry (RFC 5272 §6 defines them all as one-valued).</summary>
    public ReadOnlyMemory<byte> Value => Values.Count > 0 ? Values[0] : ReadOnlyMemory<byte>.Empty;
}
