using CsCheck;
using Estuary.Protocol.Coap;
using Xunit;

namespace Estuary.Protocol.Tests.Coap;

/// <summary>
/// Randomized input for the CoAP parsers, as ParserPropertyTests does for the others (ESTUARY_FUZZ_ITER raises the
/// count): a datagram decodes or returns a typed error, never throws; a decoded message re-encodes to a message that
/// decodes to the same fields; a Block value decodes or names its problem; multipart-core throws only its own error.
/// </summary>
public sealed class CoapFuzzTests
{
    private static readonly long Iterations = long.TryParse(Environment.GetEnvironmentVariable("ESTUARY_FUZZ_ITER"), out var n) ? n : 3_000;

    private static readonly byte[] Seed = new CoapMessage(CoapMessageType.Confirmable, CoapCode.Post, 0x1234, [9, 8, 7],
        [
            CoapOption.FromText(CoapOptionNumber.UriPath, ".well-known"),
            CoapOption.FromText(CoapOptionNumber.UriPath, "est"),
            CoapOption.FromText(CoapOptionNumber.UriPath, "sen"),
            CoapOption.FromNumber(CoapOptionNumber.ContentFormat, CoapContentFormat.Pkcs10),
            new CoapBlock(2, true, 4).ToOption(CoapOptionNumber.Block1),
            CoapOption.FromNumber(CoapOptionNumber.Size1, 1500),
        ],
        Enumerable.Range(0, 40).Select(i => (byte)i).ToArray()).Encode();

    private static Gen<byte[]> Mutations(byte[] seed) =>
        Gen.Select(Gen.Int[0, 3], Gen.Int[0, seed.Length - 1], Gen.Byte, Gen.Int[1, 8], (kind, at, value, count) =>
        {
            var list = seed.ToList();
            switch (kind)
            {
                case 0:
                    for (var i = 0; i < count && at + i < list.Count; i++)
                    {
                        list[at + i] ^= (byte)(value | 1);
                    }

                    break;
                case 1:
                    list.InsertRange(at, Enumerable.Repeat(value, count));
                    break;
                case 2:
                    list.RemoveRange(at, Math.Min(count, list.Count - at));
                    break;
                default:
                    list.RemoveRange(at, list.Count - at);
                    break;
            }

            return list.ToArray();
        });

    private static void DecodesOrTypedError(byte[] datagram)
    {
        if (CoapMessage.TryDecode(datagram, out var message, out var error))
        {
            Assert.True(CoapMessage.TryDecode(message.Encode(), out var again, out _));
            Assert.Equal(message.Code, again!.Code);
            Assert.Equal(message.Token, again.Token);
            Assert.Equal(message.Payload, again.Payload);
            Assert.Equal(message.Options.Select(o => (o.Number, Convert.ToHexString(o.Value))), again.Options.Select(o => (o.Number, Convert.ToHexString(o.Value))));
        }
        else
        {
            Assert.False(string.IsNullOrEmpty(error.Reason));
        }
    }

    [Fact]
    public void Mutated_requests_decode_or_return_a_typed_error() => Mutations(Seed).Sample(DecodesOrTypedError, iter: Iterations);

    [Fact]
    public void Random_datagrams_decode_or_return_a_typed_error() => Gen.Byte.Array[0, 300].Sample(DecodesOrTypedError, iter: Iterations);

    [Fact]
    public void Random_block_values_decode_or_name_their_problem() => Gen.Byte.Array[0, 5].Sample(value =>
    {
        var block = CoapBlock.Decode(value, out var problem);
        Assert.True(block is not null ^ problem is not null);
        if (block is { } b)
        {
            Assert.Equal(b, CoapBlock.Decode(b.ToOption(CoapOptionNumber.Block2).Value, out _));
        }
    }, iter: Iterations);

    [Fact]
    public void Mutated_multipart_core_bodies_throw_only_protocol_errors()
    {
        var seed = MultipartCore.Encode([new MultipartCorePart(CoapContentFormat.Pkcs8, new byte[40]), new MultipartCorePart(CoapContentFormat.CertsOnly, new byte[300])]);
        Mutations(seed).Sample(body =>
        {
            try
            {
                MultipartCore.Decode(body);
            }
            catch (EstProtocolException)
            {
            }
        }, iter: Iterations);
    }
}
