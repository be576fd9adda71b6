using Estuary.Protocol.Coap;
using Xunit;

namespace Estuary.Protocol.Tests.Coap;

/// <summary>RFC 7252 §3 message format: round trips, the extended option nibbles, and every format error typed.</summary>
public sealed class CoapMessageTests
{
    private static CoapFormatError Refused(byte[] datagram)
    {
        Assert.False(CoapMessage.TryDecode(datagram, out var message, out var error));
        Assert.Null(message);
        return error!;
    }

    [Fact]
    public void A_request_round_trips_with_options_in_number_order_and_repeated_options_kept_in_order()
    {
        var message = new CoapMessage(CoapMessageType.Confirmable, CoapCode.Post, 0xBEEF, [1, 2, 3, 4],
            [
                CoapOption.FromNumber(CoapOptionNumber.ContentFormat, CoapContentFormat.Pkcs10),
                CoapOption.FromText(CoapOptionNumber.UriPath, ".well-known"),
                CoapOption.FromText(CoapOptionNumber.UriPath, "est"),
                CoapOption.FromText(CoapOptionNumber.UriPath, "sen"),
                CoapOption.FromNumber(CoapOptionNumber.Size1, 70_000),
            ],
            [0x30, 0x82]);

        Assert.True(CoapMessage.TryDecode(message.Encode(), out var decoded, out _));

        Assert.Equal(CoapMessageType.Confirmable, decoded!.Type);
        Assert.Equal(CoapCode.Post, decoded.Code);
        Assert.Equal(0xBEEF, decoded.MessageId);
        Assert.Equal([1, 2, 3, 4], decoded.Token);
        Assert.Equal([".well-known", "est", "sen"], decoded.All(CoapOptionNumber.UriPath).Select(o => o.AsString()));
        Assert.Equal((uint)CoapContentFormat.Pkcs10, decoded.Find(CoapOptionNumber.ContentFormat)!.AsUint());
        Assert.Equal(70_000u, decoded.Find(CoapOptionNumber.Size1)!.AsUint());
        Assert.Equal([0x30, 0x82], decoded.Payload);
    }

    [Theory]
    [InlineData(12)] // fits the nibble
    [InlineData(13)] // first one-byte extension (RFC 7252 §3.1)
    [InlineData(268)] // last one-byte extension
    [InlineData(269)] // first two-byte extension
    [InlineData(1034)] // the longest value taken
    public void Option_lengths_use_the_extended_nibbles_13_and_14(int length)
    {
        var value = Enumerable.Range(0, length).Select(i => (byte)i).ToArray();
        var message = new CoapMessage(CoapMessageType.NonConfirmable, CoapCode.Get, 1, null, [new CoapOption(2000, value)]);

        Assert.True(CoapMessage.TryDecode(message.Encode(), out var decoded, out _));

        var option = Assert.Single(decoded!.Options);
        Assert.Equal(2000, option.Number);
        Assert.Equal(value, option.Value);
    }

    [Fact]
    public void The_rfc_7252_example_of_a_get_with_a_uri_path_decodes()
    {
        // RFC 7252 Appendix A style: CON GET mid 0x7d34, no token, Uri-Path "temperature".
        byte[] datagram = [0x40, 0x01, 0x7d, 0x34, 0xBB, .. "temperature"u8];

        Assert.True(CoapMessage.TryDecode(datagram, out var message, out _));

        Assert.Equal(CoapCode.Get, message!.Code);
        Assert.Equal(0x7d34, message.MessageId);
        Assert.Equal("temperature", message.Find(CoapOptionNumber.UriPath)!.AsString());
        Assert.Equal(datagram, message.Encode());
    }

    [Theory]
    [InlineData(9)]
    [InlineData(12)]
    [InlineData(15)]
    public void Token_lengths_9_to_15_are_a_format_error(int tokenLength)
    {
        byte[] datagram = [(byte)(0x40 | tokenLength), 0x01, 0x00, 0x07, .. new byte[15]];

        var error = Refused(datagram);

        Assert.Equal(CoapFormatErrorKind.ReservedTokenLength, error.Kind);
        Assert.Equal(CoapMessageType.Confirmable, error.Type);
        Assert.Equal((ushort)7, error.MessageId);
    }

    [Theory]
    [InlineData(new byte[] { 0x40, 0x01, 0x00 }, CoapFormatErrorKind.Truncated)] // shorter than the header
    [InlineData(new byte[] { 0x44, 0x01, 0x00, 0x01, 0xAA }, CoapFormatErrorKind.Truncated)] // token runs past the end
    [InlineData(new byte[] { 0x40, 0x01, 0x00, 0x01, 0xB5, 0x61 }, CoapFormatErrorKind.Truncated)] // option value truncated
    [InlineData(new byte[] { 0x40, 0x01, 0x00, 0x01, 0xD1 }, CoapFormatErrorKind.Truncated)] // delta 13 without its byte
    [InlineData(new byte[] { 0x40, 0x01, 0x00, 0x01, 0xE1, 0x00 }, CoapFormatErrorKind.Truncated)] // delta 14 with one byte
    [InlineData(new byte[] { 0x40, 0x01, 0x00, 0x01, 0xF0 }, CoapFormatErrorKind.ReservedOptionNibble)] // delta nibble 15
    [InlineData(new byte[] { 0x40, 0x01, 0x00, 0x01, 0x1F }, CoapFormatErrorKind.ReservedOptionNibble)] // length nibble 15
    [InlineData(new byte[] { 0x40, 0x01, 0x00, 0x01, 0xFF }, CoapFormatErrorKind.EmptyPayloadAfterMarker)]
    [InlineData(new byte[] { 0x80, 0x01, 0x00, 0x01 }, CoapFormatErrorKind.UnknownVersion)]
    [InlineData(new byte[] { 0x41, 0x00, 0x00, 0x01, 0x01 }, CoapFormatErrorKind.NonEmptyEmptyMessage)]
    public void Malformed_messages_are_refused_with_a_typed_error(byte[] datagram, CoapFormatErrorKind kind)
    {
        Assert.Equal(kind, Refused(datagram).Kind);
    }

    [Fact]
    public void An_option_number_past_65535_through_accumulated_deltas_is_refused()
    {
        // Six options with delta 14-extended 0xFFFF + 269 each: the running number passes 65535 at the second.
        var options = Enumerable.Repeat<byte[]>([0xE0, 0xFF, 0xFF], 6).SelectMany(b => b);
        byte[] datagram = [0x40, 0x01, 0x00, 0x01, .. options];

        Assert.Equal(CoapFormatErrorKind.OptionTooLarge, Refused(datagram).Kind);
    }

    [Fact]
    public void An_option_longer_than_the_limit_is_refused_before_it_is_copied()
    {
        // Length nibble 14: 269 + 0x1000 bytes announced, and present.
        byte[] datagram = [0x40, 0x01, 0x00, 0x01, 0xBE, 0x10, 0x00, .. new byte[269 + 0x1000]];

        Assert.Equal(CoapFormatErrorKind.OptionTooLarge, Refused(datagram).Kind);
    }

    [Fact]
    public void More_options_than_the_limit_are_refused()
    {
        byte[] datagram = [0x40, 0x01, 0x00, 0x01, .. Enumerable.Repeat((byte)0x00, CoapMessage.MaxOptions + 1)];

        Assert.Equal(CoapFormatErrorKind.TooManyOptions, Refused(datagram).Kind);
    }

    [Fact]
    public void An_empty_message_is_the_four_byte_header_and_a_code_is_written_class_dot_detail()
    {
        Assert.True(CoapMessage.TryDecode([0x40, 0x00, 0x12, 0x34], out var ping, out _));

        Assert.Equal(CoapCode.Empty, ping!.Code);
        Assert.False(ping.Code.IsRequest);
        Assert.Equal("4.08", CoapCode.RequestEntityIncomplete.ToString());
        Assert.Equal("2.31", CoapCode.Continue.ToString());
        Assert.Equal(0x8D, CoapCode.RequestEntityTooLarge.Value);
    }
}
