using Estuary.Protocol.Coap;
using Xunit;

namespace Estuary.Protocol.Tests.Coap;

/// <summary>application/multipart-core (RFC 8710 §2): a CBOR array of Content-Format, byte string pairs.</summary>
public sealed class MultipartCoreTests
{
    [Fact]
    public void The_rfc_8710_shape_is_written_byte_for_byte()
    {
        // [284, h'0102', 281, h''] : array(4), uint16 284, bstr(2), uint16 281, bstr(0).
        var body = MultipartCore.Encode([new MultipartCorePart(284, [1, 2]), new MultipartCorePart(281, [])]);

        Assert.Equal(new byte[] { 0x84, 0x19, 0x01, 0x1C, 0x42, 0x01, 0x02, 0x19, 0x01, 0x19, 0x40 }, body);
    }

    [Fact]
    public void Long_parts_use_two_and_four_byte_lengths_and_round_trip()
    {
        var small = Enumerable.Repeat((byte)7, 300).ToArray();
        var large = Enumerable.Repeat((byte)9, 70_000).ToArray();

        var parts = MultipartCore.Decode(MultipartCore.Encode([new MultipartCorePart(0, small), new MultipartCorePart(62, large)]));

        Assert.Equal([0, 62], parts.Select(p => p.ContentFormat));
        Assert.Equal(small, parts[0].Payload);
        Assert.Equal(large, parts[1].Payload);
    }

    [Theory]
    [InlineData(new byte[] { 0x83, 0x00, 0x40, 0x00 })] // odd number of items
    [InlineData(new byte[] { 0x9F, 0x00, 0x40, 0xFF })] // indefinite-length array
    [InlineData(new byte[] { 0x82, 0x40, 0x40 })] // a byte string where the Content-Format belongs
    [InlineData(new byte[] { 0x82, 0x00, 0x45, 0x01 })] // representation runs past the end
    [InlineData(new byte[] { 0x82, 0x1A, 0x00, 0x01, 0x00, 0x00, 0x40 })] // Content-Format 65536
    [InlineData(new byte[] { 0x82, 0x00, 0x40, 0x00 })] // trailing bytes
    [InlineData(new byte[] { 0x98, 0x22 })] // 34 items: more than MaxParts pairs
    [InlineData(new byte[] { })]
    public void Malformed_bodies_are_refused_with_a_protocol_error(byte[] body)
    {
        Assert.Throws<EstProtocolException>(() => MultipartCore.Decode(body));
    }
}
