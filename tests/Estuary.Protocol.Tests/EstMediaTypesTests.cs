using Xunit;

namespace Estuary.Protocol.Tests;

public sealed class EstMediaTypesTests
{
    [Theory]
    [InlineData("application/pkcs7-mime", true)]
    [InlineData("application/pkcs7-mime; smime-type=certs-only", true)]
    [InlineData("Application/PKCS7-MIME ;smime-type=\"certs-only\"", true)]
    [InlineData("application/pkcs10", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void Matches_compares_the_media_type_not_the_parameters(string? header, bool expected)
    {
        Assert.Equal(expected, EstMediaTypes.Matches(header, EstMediaTypes.CertsOnly));
    }

    [Fact]
    public void Parameter_reads_quoted_and_unquoted_values()
    {
        Assert.Equal("est-server-boundary", EstMediaTypes.Parameter("multipart/mixed; boundary=est-server-boundary", "boundary"));
        Assert.Equal("a b", EstMediaTypes.Parameter("multipart/mixed; charset=x; Boundary=\"a b\"", "boundary"));
        Assert.Null(EstMediaTypes.Parameter("multipart/mixed", "boundary"));
    }
}
