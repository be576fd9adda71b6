using System.Formats.Asn1;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Cmc;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests.Hardening;

/// <summary>
/// Names a client chooses, over real TLS: every subject string type is read (a TeletexString CN is issued),
/// names of bad syntax and wildcards a template does not allow get 400 with the reason, and a CMC request
/// carrying a certificate with an off-curve key gets 400 before anyone is authenticated. Never a 500.
/// </summary>
public sealed class NameHardeningTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = new();

    public async Task InitializeAsync()
    {
        await _server.InitializeAsync();
        // The attacker review's sample: a camera template whose DNS pattern starts with '*', no wildcard permission.
        var problems = await _server.GetRequiredService<TemplateService>().SaveAsync(
            new TemplateDefinition { Name = "cameras", Labels = ["cameras"], DnsPatterns = ["*.cameras.example"], EmailPatterns = ["*@cameras.example"], AllowedKeys = ["P-256"] },
            create: true,
            "test",
            CancellationToken.None);
        Assert.Empty(problems);
    }

    public Task DisposeAsync() => _server.DisposeAsync();

    private static byte[] Value(UniversalTagNumber type, byte[] contents)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteOctetString(contents);
        var tlv = writer.Encode();
        tlv[0] = (byte)type;
        return tlv;
    }

    private static byte[] CommonName(UniversalTagNumber type, byte[] contents)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        using (writer.PushSetOf())
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.CommonName);
            writer.WriteEncodedValue(Value(type, contents));
        }

        return writer.Encode();
    }

    private static byte[] Csr(ECDsa key, byte[] subject, string? dnsName = null)
    {
        var request = new CertificateRequest(new X500DistinguishedName(subject), key, HashAlgorithmName.SHA256);
        if (dnsName is not null)
        {
            // Written by hand: the BCL builder refuses (or IDN-encodes) what an attacker sends.
            var san = new AsnWriter(AsnEncodingRules.DER);
            using (san.PushSequence())
            {
                san.WriteCharacterString(UniversalTagNumber.IA5String, dnsName, new Asn1Tag(TagClass.ContextSpecific, 2));
            }

            request.CertificateExtensions.Add(new X509Extension(Oids.SubjectAltName, san.Encode(), false));
        }

        return request.CreateSigningRequest();
    }

    private async Task<(HttpStatusCode Status, string Text)> EnrollAsync(byte[] csr, string label = "")
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var response = await client.PostAsync(label.Length > 0 ? label + "/simpleenroll" : "simpleenroll", EstWire.Pkcs10(csr));
        return (response.StatusCode, response.IsSuccessStatusCode ? "" : await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_TeletexString_CN_is_issued_with_the_subject_bytes_it_was_sent_in()
    {
        using var key = TestCsr.NewP256();
        var subject = CommonName(UniversalTagNumber.TeletexString, Encoding.Latin1.GetBytes("caméra-teletex"));
        using var client = _server.CreateClient(basicAuth: true);

        using var response = await client.PostAsync("simpleenroll", EstWire.Pkcs10(Csr(key, subject)));

        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(response));
        Assert.Equal(subject, certificate.SubjectName.RawData);
    }

    [Fact]
    public async Task A_CN_with_a_newline_gets_400_naming_the_attribute_and_is_not_issued()
    {
        var before = await _server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(default);
        using var key = TestCsr.NewP256();

        var (status, text) = await EnrollAsync(Csr(key, CommonName(UniversalTagNumber.UTF8String, Encoding.UTF8.GetBytes("cam\n2026-12-02 INFO admin login ok"))));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("subject attribute CN holds a control character", text, StringComparison.Ordinal);
        Assert.Equal(before, await _server.GetRequiredService<IEstuaryStore>().CountCertificatesAsync(default));
    }

    [Theory]
    [InlineData("", "evil.example\0.cameras.example", "control character")]
    [InlineData("cameras", "evil.example\0.cameras.example", "control character")]
    [InlineData("", "a b.cameras.example", "space")]
    [InlineData("cameras", "*.cameras.example", "AllowWildcardDnsNames")]
    [InlineData("", "*.cameras.example", "AllowWildcardDnsNames")]
    [InlineData("cameras", "a*.cameras.example", "'*'")]
    public async Task A_dNSName_of_bad_syntax_or_an_unallowed_wildcard_gets_400_with_the_reason(string label, string dnsName, string reason)
    {
        using var key = TestCsr.NewP256();

        var (status, text) = await EnrollAsync(Csr(key, CommonName(UniversalTagNumber.UTF8String, "cam"u8.ToArray()), dnsName), label);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_rfc822Name_with_two_at_signs_gets_400_under_a_template_whose_pattern_would_match_it()
    {
        using var key = TestCsr.NewP256();

        var (status, text) = await EnrollAsync(TestCsr.Create("CN=cam", key, "email:a@b@cameras.example"), "cameras");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("exactly one '@'", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_fullcmc_whose_signer_certificate_has_an_off_curve_point_gets_400_and_an_anonymous_one_never_reaches_the_parser()
    {
        HttpContent Content()
        {
            var content = new StringContent(Convert.ToBase64String(HostileCmc.FullCmcWithOffCurveSigner()));
            content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/pkcs7-mime; smime-type=CMC-request");
            return content;
        }

        using (var anonymous = _server.CreateClient())
        using (var refused = await anonymous.PostAsync("fullcmc", Content()))
        {
            // Authentication comes before the CMS parser (RFC 7030 §3.3 does not depend on the body).
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        using var client = _server.CreateClient(basicAuth: true);
        using var response = await client.PostAsync("fullcmc", Content());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("public key that cannot be read", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
