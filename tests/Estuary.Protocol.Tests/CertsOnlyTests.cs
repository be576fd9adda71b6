using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

public sealed class CertsOnlyTests
{
    [Fact]
    public void Decode_reads_the_libest_cacerts_response()
    {
        var certs = CertsOnly.Decode(EstBase64.Decode(Vectors.Read("libest-server/stock/cacerts.b64")));

        var ca = X509CertificateLoader.LoadCertificate(Assert.Single(certs));
        Assert.Equal("CN=estExampleCA", ca.Subject);
    }

    [Fact]
    public void Encode_keeps_the_callers_order_and_openssl_reads_it()
    {
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest("CN=b-second", key, System.Security.Cryptography.HashAlgorithmName.SHA256);
        using var second = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        using var first = new CertificateRequest("CN=a-first-but-larger-name-so-DER-sorting-would-move-it", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));

        var der = CertsOnly.Encode([first.RawDataMemory, second.RawDataMemory]);
        var decoded = CertsOnly.Decode(der);

        Assert.Equal(first.RawData, decoded[0]);
        Assert.Equal(second.RawData, decoded[1]);
    }

    [Fact]
    public async Task Openssl_pkcs7_prints_both_certificates()
    {
        using var key = TestCsr.NewP256();
        using var a = new CertificateRequest("CN=one", key, System.Security.Cryptography.HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        using var b = new CertificateRequest("CN=two", key, System.Security.Cryptography.HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        var file = Path.GetTempFileName();
        await File.WriteAllBytesAsync(file, CertsOnly.Encode([a.RawDataMemory, b.RawDataMemory]));

        var (code, output) = await Processes.RunAsync("openssl", $"pkcs7 -inform DER -in {file} -print_certs -noout");

        Assert.Equal(0, code);
        Assert.Contains("subject=CN = one", output, StringComparison.Ordinal);
        Assert.Contains("subject=CN = two", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_refuses_what_is_not_SignedData()
    {
        Assert.Throws<EstProtocolException>(() => CertsOnly.Decode(new byte[] { 0x30, 0x03, 0x02, 0x01, 0x01 }));
        Assert.Throws<EstProtocolException>(() => CertsOnly.Decode(new byte[] { 0x30, 0x80 }));
    }
}
