using System.Text;
using Estuary.Client;
using Estuary.Protocol;
using Xunit;

namespace Estuary.Client.Tests;

public sealed class MultipartMixedTests
{
    [Fact]
    public void A_quoted_boundary_with_LF_line_ends_and_a_preamble_is_read()
    {
        var body = "preamble\n--b1\nContent-Type: application/pkcs8\n\nQUJD\n--b1\nContent-Type: application/pkcs7-mime; smime-type=certs-only\n\nREVG\n--b1--\n";

        var parts = MultipartMixed.Parse("multipart/mixed; charset=us-ascii; boundary=\"b1\"", Encoding.ASCII.GetBytes(body));

        Assert.Equal(2, parts.Count);
        Assert.Equal("ABC", Encoding.ASCII.GetString(EstBase64.Decode(parts[0].Content)));
        Assert.Equal("DEF", Encoding.ASCII.GetString(EstBase64.Decode(parts[1].Content)));
    }

    [Fact]
    public void A_body_without_a_boundary_parameter_is_refused()
    {
        Assert.Throws<EstProtocolException>(() => MultipartMixed.Parse("multipart/mixed", "--x\r\n\r\nQUJD\r\n--x--"u8));
    }

    [Fact]
    public void A_serverkeygen_answer_without_a_key_part_is_refused()
    {
        var body = "--b\r\nContent-Type: application/pkcs7-mime; smime-type=certs-only\r\n\r\nMAA=\r\n--b--\r\n";

        var e = Assert.Throws<EstClientException>(() => EstClient.ReadServerKeyGen("multipart/mixed; boundary=b", Encoding.ASCII.GetBytes(body)));
        Assert.Equal(EstClientErrorKind.Protocol, e.Kind);
    }
}
