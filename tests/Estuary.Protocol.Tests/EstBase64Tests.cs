using System.Text;
using Xunit;

namespace Estuary.Protocol.Tests;

public sealed class EstBase64Tests
{
    private static readonly byte[] GoodDer = Vectors.Read("negative/csr-good.der");

    [Theory]
    [InlineData("negative/csr-good.b64")]
    [InlineData("negative/csr-crlf.b64")]
    [InlineData("negative/csr-mime76-crlf.b64")]
    [InlineData("negative/csr-trailing-whitespace.b64")]
    [InlineData("negative/csr-pem-armour.txt")]
    [InlineData("negative/csr-pem-armour-new.txt")]
    public void Decode_tolerates_every_layout_peers_send(string vector)
    {
        Assert.Equal(GoodDer, EstBase64.Decode(Vectors.Read(vector)));
    }

    [Theory]
    [InlineData("requests/strongswan-5.9.8/simpleenroll.b64")]
    [InlineData("requests/curl-7.88.1/simpleenroll.b64")]
    [InlineData("requests/bc-1.72/simpleenroll.b64")]
    [InlineData("requests/libest-3.2.0/simpleenroll-1-noauth.b64")]
    [InlineData("libest-server/stock/cacerts.b64")]
    [InlineData("libest-server/patched-build/cacerts-b64nonl.b64")]
    [InlineData("libest-server/stock/csrattrs.b64")]
    public void Decode_reads_what_real_clients_and_servers_sent(string vector)
    {
        var der = EstBase64.Decode(Vectors.Read(vector));
        Assert.Equal(0x30, der[0]); // every EST body is a DER SEQUENCE
    }

    [Theory]
    [InlineData("this is not base64: %%% {} !!!\n")]
    [InlineData("QUJD=DEF\n")]
    [InlineData("   \r\n\t ")]
    [InlineData("")]
    public void Decode_refuses_what_is_not_base64(string body)
    {
        Assert.Throws<EstProtocolException>(() => EstBase64.Decode(Encoding.ASCII.GetBytes(body)));
    }

    [Fact]
    public void Decode_refuses_raw_DER()
    {
        Assert.Throws<EstProtocolException>(() => EstBase64.Decode(GoodDer));
    }

    [Fact]
    public void Encode_wrapped_writes_64_column_LF_lines_with_a_final_LF()
    {
        var data = new byte[500];
        Random.Shared.NextBytes(data);

        var text = Encoding.ASCII.GetString(EstBase64.Encode(data, Base64Layout.Wrapped64));

        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain('\r', text);
        var lines = text[..^1].Split('\n');
        Assert.All(lines[..^1], l => Assert.Equal(64, l.Length));
        Assert.Equal(data, Convert.FromBase64String(string.Concat(lines)));
    }

    [Fact]
    public void Encode_single_line_writes_one_line_and_a_final_LF()
    {
        var data = new byte[2000];
        Random.Shared.NextBytes(data);

        var text = Encoding.ASCII.GetString(EstBase64.Encode(data, Base64Layout.SingleLine));

        Assert.Equal(text.Length - 1, text.IndexOf('\n', StringComparison.Ordinal));
        Assert.Equal(data, Convert.FromBase64String(text.TrimEnd('\n')));
    }

    [Theory]
    [InlineData("requests/strongswan-5.9.8/simpleenroll.b64", false)]
    [InlineData("requests/curl-7.88.1/simpleenroll.b64", true)]
    [InlineData("negative/csr-trailing-whitespace.b64", true)]
    public void IsWrapped_tells_one_line_bodies_from_wrapped_ones(string vector, bool wrapped)
    {
        Assert.Equal(wrapped, EstBase64.IsWrapped(Vectors.Read(vector)));
    }
}
