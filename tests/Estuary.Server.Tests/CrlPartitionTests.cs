using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>A server with Estuary:Revocation:CrlPartitions = 16, CRLs over plain HTTP, and an ML-DSA hierarchy beside the main CA.</summary>
public sealed class PartitionedServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Revocation:CrlPartitions"] = "16",
        ["Estuary:HttpListen"] = "http://127.0.0.1:0",
        ["Estuary:Ca:Hierarchies:pqc:KeyAlgorithm"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:Hierarchy"] = "pqc",
        ["Estuary:Labels:pqc:AllowedKeys:0"] = "P-256",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// Partitioned CRLs end to end (RFC 5280 §5.2.5): certificates name their partition's CRL, the partition CRL lists
/// the revocation and carries the issuingDistributionPoint OpenSSL's -crl_check matches against that name, bad names are
/// a plain-text 404, and a partition is signed once per full CRL.
/// </summary>
public sealed partial class CrlPartitionTests(PartitionedServer fixture) : IClassFixture<PartitionedServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private CertificateAuthority Issuing => Server.GetRequiredService<CertificateAuthority>();

    private Uri Http => Server.GetRequiredService<RevocationUrls>().PlainHttp!;

    [Fact]
    public async Task Openssl_finds_a_revoked_certificate_in_its_partition_CRL_and_verifies_a_good_one_with_its_own()
    {
        using var revokedKey = TestCsr.NewP256();
        using var revoked = await EnrollAsync("CN=partition-revoked", revokedKey);
        var revokedUrl = PartitionUrlOf(revoked);
        var partition = CrlPartition.IndexOf(revoked.SerialNumberBytes.Span, 16);
        Assert.Equal($"{Http.GetLeftPart(UriPartial.Authority)}/crl/{Issuing.KeyIdentifierHex}/p16-{partition}.crl", revokedUrl);
        // A good certificate in another partition (15 in 16 enrollments land elsewhere).
        using var goodKey = TestCsr.NewP256();
        X509Certificate2? good = null;
        for (var i = 0; i < 20 && good is null; i++)
        {
            var candidate = await EnrollAsync($"CN=partition-good-{i}", goodKey);
            if (CrlPartition.IndexOf(candidate.SerialNumberBytes.Span, 16) != partition)
            {
                good = candidate;
            }
            else
            {
                candidate.Dispose();
            }
        }

        using var _ = good;
        Assert.NotNull(good);
        var result = await Server.GetRequiredService<RevocationService>().RevokeAsync(revoked.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(result.IsSuccess, result.Error?.Message);

        using var files = new PkiFiles();
        var root = files.Certificates("root.pem", Server.RootCertificate);
        var issuing = files.Certificates("issuing.pem", Issuing.Certificate);
        var revokedPem = files.Certificates("revoked.pem", revoked);
        var goodPem = files.Certificates("good.pem", good);
        var revokedCrl = files.Crl("revoked-part.crl.pem", await GetAsync(revokedUrl));
        var goodCrl = files.Crl("good-part.crl.pem", await GetAsync(PartitionUrlOf(good)));

        var (signedCode, signed) = await Processes.RunAsync("openssl", $"crl -in {revokedCrl} -CAfile {issuing} -noout -text");
        Assert.True(signedCode == 0, signed);
        Assert.Contains("verify OK", signed, StringComparison.Ordinal);
        Assert.Contains("Issuing Distribution Point: critical", signed, StringComparison.Ordinal);
        Assert.Contains("Only User Certificates", signed, StringComparison.Ordinal);
        Assert.Contains(revoked.SerialNumber, signed, StringComparison.Ordinal);

        var (badCode, bad) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {revokedCrl} {revokedPem}");
        Assert.NotEqual(0, badCode);
        Assert.Contains("certificate revoked", bad, StringComparison.Ordinal);

        var (okCode, ok) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {goodCrl} {goodPem}");
        Assert.True(okCode == 0, ok);

        // The scope check is real: another partition's CRL names another distribution point than the good certificate does.
        var (scopeCode, scope) = await Processes.RunAsync("openssl", $"verify -crl_check -CAfile {root} -untrusted {issuing} -CRLfile {revokedCrl} {goodPem}");
        Assert.NotEqual(0, scopeCode);
        Assert.Contains("different CRL scope", scope, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("p3-0.crl")]
    [InlineData("p16-16.crl")]
    [InlineData("p16-x.crl")]
    [InlineData("p1-0.crl")]
    [InlineData("p512-0.crl")]
    [InlineData("p16-5.pem")]
    [InlineData("full.crl")]
    public async Task A_bad_partition_name_is_a_plain_text_404(string file)
    {
        using var response = await PlainGetAsync($"/crl/{Issuing.KeyIdentifierHex}/{file}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("p{count}-{index}.crl", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("00112233445566778899AABBCCDDEEFF00112233", "no issuing CA of this server")]
    [InlineData("not-hex", "no CRL here")]
    [InlineData("ABC", "no CRL here")]
    public async Task An_unknown_or_malformed_key_identifier_is_a_plain_text_404(string keyIdentifier, string reason)
    {
        using var response = await PlainGetAsync($"/crl/{keyIdentifier}/p16-5.crl");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(reason, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Any_valid_count_is_served_whatever_the_setting_and_names_itself_in_its_issuingDistributionPoint()
    {
        foreach (var (count, index) in new[] { (2, 1), (4, 3), (256, 200) })
        {
            // Lower case too: the key identifier in the issuingDistributionPoint is spelled as certificates spell it.
            var der = await GetAsync($"{Http.GetLeftPart(UriPartial.Authority)}/crl/{Issuing.KeyIdentifierHex.ToLowerInvariant()}/p{count}-{index}.crl");

            var idp = IssuingDistributionPoint.Decode(Extension(der, Oids.IssuingDistributionPoint));
            Assert.Equal($"{Http.GetLeftPart(UriPartial.Authority)}/crl/{Issuing.KeyIdentifierHex}/p{count}-{index}.crl", idp.FullNameUri);
            Assert.True(idp.OnlyContainsUserCerts);
        }

        // Over HTTPS too (the EST listener serves /crl/ as well), naming the same public URL.
        using var client = Server.CreateClient();
        using var overTls = await client.GetAsync(new Uri(Server.BaseUri, $"/crl/{Issuing.KeyIdentifierHex}/p2-1.crl"));
        Assert.Equal(HttpStatusCode.OK, overTls.StatusCode);
        Assert.Equal("application/pkix-crl", overTls.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_partition_is_served_from_its_signed_copy_with_its_own_ETag_until_the_next_revocation()
    {
        var path = $"/crl/{Issuing.KeyIdentifierHex}/p16-5.crl";
        using var first = await PlainGetAsync(path);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("application/pkix-crl", first.Content.Headers.ContentType?.MediaType);
        var firstBytes = await first.Content.ReadAsByteArrayAsync();
        var etag = first.Headers.ETag!;
        var partitions = Server.GetRequiredService<PartitionCrls>();
        var signatures = partitions.Signatures;

        using var second = await PlainGetAsync(path);
        Assert.Equal(firstBytes, await second.Content.ReadAsByteArrayAsync()); // ECDSA signatures differ each time: same bytes, same signature
        Assert.Equal(signatures, partitions.Signatures);
        Assert.Equal($"\"{Issuing.KeyIdentifierHex}-{NumberOf(firstBytes)}-p16-5\"", etag.Tag);
        using var other = await PlainGetAsync($"/crl/{Issuing.KeyIdentifierHex}/p16-6.crl");
        Assert.NotEqual(etag, other.Headers.ETag);
        using var full = await PlainGetAsync($"/crl/{Issuing.KeyIdentifierHex}.crl");
        Assert.NotEqual(etag, full.Headers.ETag);
        Assert.Equal(NumberOf(await full.Content.ReadAsByteArrayAsync()), NumberOf(firstBytes)); // cut from the current full CRL

        using (var revalidate = await PlainGetAsync(path, etag))
        {
            Assert.Equal(HttpStatusCode.NotModified, revalidate.StatusCode);
            Assert.Empty(await revalidate.Content.ReadAsByteArrayAsync());
        }

        using var key = TestCsr.NewP256();
        using var certificate = await EnrollAsync("CN=partition-bump", key);
        Assert.True((await Server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.Superseded, "test", default)).IsSuccess);

        using var after = await PlainGetAsync(path, etag);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.True(NumberOf(await after.Content.ReadAsByteArrayAsync()) > NumberOf(firstBytes));
        Assert.NotEqual(etag, after.Headers.ETag);
    }

    [Fact]
    public async Task An_ML_DSA_hierarchys_certificates_name_its_partitions_signed_with_ML_DSA()
    {
        using var key = TestCsr.NewP256();
        using var basic = Server.CreateClient(basicAuth: true);
        basic.BaseAddress = new Uri(Server.EstUrl + "/pqc/");
        using var certificate = await EstWire.EnrollAsync(basic, "CN=pqc-partitioned", key);
        var pqc = Server.GetRequiredService<CaMaterial>().IssuingOf("pqc")!;
        Assert.Contains($"/crl/{pqc.KeyIdentifierHex}/p16-{CrlPartition.IndexOf(certificate.SerialNumberBytes.Span, 16)}.crl", PartitionUrlOf(certificate), StringComparison.Ordinal);
        var result = await Server.GetRequiredService<RevocationService>().RevokeAsync(certificate.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(result.IsSuccess, result.Error?.Message);

        var der = await GetAsync(PartitionUrlOf(certificate));

        var list = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
        list.ReadEncodedValue(); // tbsCertList
        Assert.Equal(Oids.MlDsa65, list.ReadSequence().ReadObjectIdentifier());
        using var files = new PkiFiles();
        await NodeVerifier.VerifiesMlDsaAsync(files, "crl", der, pqc.Certificate);
        var parsed = new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(der);
        Assert.NotNull(parsed.GetRevokedCertificate(new Org.BouncyCastle.Math.BigInteger(certificate.SerialNumber, 16)));
    }

    private async Task<X509Certificate2> EnrollAsync(string subject, ECDsa key)
    {
        using var basic = Server.CreateClient(basicAuth: true);
        return await EstWire.EnrollAsync(basic, subject, key);
    }

    /// <summary>The one URI of the certificate's cRLDistributionPoints.</summary>
    private static string PartitionUrlOf(X509Certificate2 certificate) =>
        Assert.Single(UriPattern().Matches(certificate.Extensions[Oids.CrlDistributionPoints]!.Format(false))).Value;

    private async Task<byte[]> GetAsync(string url)
    {
        using var plain = new HttpClient();
        using var response = await plain.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/pkix-crl", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadAsByteArrayAsync();
    }

    private async Task<HttpResponseMessage> PlainGetAsync(string path, System.Net.Http.Headers.EntityTagHeaderValue? ifNoneMatch = null)
    {
        using var plain = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(Http, path));
        if (ifNoneMatch is not null)
        {
            request.Headers.IfNoneMatch.Add(ifNoneMatch);
        }

        var response = await plain.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static System.Numerics.BigInteger NumberOf(byte[] der)
    {
        CertificateRevocationListBuilder.Load(der, out var number);
        return number;
    }

    /// <summary>The extnValue of a CRL extension.</summary>
    private static byte[] Extension(byte[] crl, string oid) =>
        new Org.BouncyCastle.X509.X509CrlParser().ReadCrl(crl).GetExtensionValue(new Org.BouncyCastle.Asn1.DerObjectIdentifier(oid)).GetOctets();

    [GeneratedRegex(@"https?://[^\s,]+\.crl")]
    private static partial Regex UriPattern();
}
