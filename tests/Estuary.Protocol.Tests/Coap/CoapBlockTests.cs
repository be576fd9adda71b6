using Estuary.Protocol.Coap;
using Xunit;

namespace Estuary.Protocol.Tests.Coap;

/// <summary>The Block option value of RFC 7959 §2.2: NUM, M and SZX in 0–3 bytes.</summary>
public sealed class CoapBlockTests
{
    [Theory]
    [InlineData(0, false, 6, new byte[] { 0x06 })]
    [InlineData(1, true, 6, new byte[] { 0x1E })]
    [InlineData(15, false, 0, new byte[] { 0xF0 })]
    [InlineData(16, true, 2, new byte[] { 0x01, 0x0A })]
    [InlineData(CoapBlock.MaxNumber, true, 6, new byte[] { 0xFF, 0xFF, 0xFE })]
    public void A_block_encodes_in_the_fewest_bytes_and_decodes_back(int number, bool more, int exponent, byte[] expected)
    {
        var option = new CoapBlock(number, more, exponent).ToOption(CoapOptionNumber.Block2);

        Assert.Equal(expected, option.Value);
        Assert.Equal(new CoapBlock(number, more, exponent), CoapBlock.Decode(option.Value, out _));
    }

    [Fact]
    public void An_empty_value_is_block_zero_of_16_bytes()
    {
        Assert.Equal(new CoapBlock(0, false, 0), CoapBlock.Decode([], out _));
        Assert.Equal(16, new CoapBlock(0, false, 0).Size);
        Assert.Equal(3L * 1024, new CoapBlock(3, true, 6).Offset);
    }

    [Fact]
    public void Size_exponent_7_and_values_longer_than_3_bytes_are_refused()
    {
        Assert.Null(CoapBlock.Decode([0x07], out var reserved));
        Assert.Contains("reserved", reserved, StringComparison.Ordinal);
        Assert.Null(CoapBlock.Decode([0x00, 0x00, 0x00, 0x16], out var tooLong));
        Assert.Contains("3 bytes", tooLong, StringComparison.Ordinal);
    }

    [Fact]
    public void Only_powers_of_two_from_16_to_1024_are_block_sizes()
    {
        Assert.Equal(6, CoapBlock.ExponentOf(1024));
        Assert.Equal(0, CoapBlock.ExponentOf(16));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoapBlock.ExponentOf(2048));
        Assert.Throws<ArgumentOutOfRangeException>(() => CoapBlock.ExponentOf(100));
    }
}
