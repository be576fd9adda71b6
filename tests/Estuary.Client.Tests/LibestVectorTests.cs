using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Client;
using Estuary.Testing;
using Xunit;

namespace Estuary.Client.Tests;

/// <summary>The client decodes answers captured from libest 3.2.0 (stock and patched builds), byte for byte.</summary>
public sealed class LibestVectorTests
{
    private static string Dir(string build) => Path.Combine(RepositoryPaths.Shared, "vectors", "libest-server", build);

    private static byte[] Vector(string build, string name) => File.ReadAllBytes(Path.Combine(Dir(build), name));

    /// <summary>The Content-Type header of a captured header block.</summary>
    private static string ContentType(string build, string headersFile) =>
        Encoding.ASCII.GetString(Vector(build, headersFile)).Split("\r\n").Single(l => l.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))["Content-Type:".Length..].Trim();

    [Theory]
    [InlineData("stock", "cacerts.b64")] // 64-column LF lines, final LF, sent with Content-Transfer-Encoding
    [InlineData("patched-build", "cacerts-b64nonl.b64")] // one line, no final LF
    public void Cacerts_from_libest_decode_to_the_estExampleCA_root(string build, string file)
    {
        var certificates = EstClient.ReadCertsOnly(Vector(build, file));

        var root = Assert.Single(certificates);
        Assert.Equal("CN=estExampleCA", root.Subject);
        Assert.True(CaCertificates.IsSelfSigned(root));
    }

    [Theory]
    [InlineData("stock", "simpleenroll.b64", "CN=vectors-libest-enroll")]
    [InlineData("stock", "simplereenroll.b64", "CN=vectors-libest-enroll")]
    [InlineData("patched-build", "simpleenroll-b64nonl.b64", "CN=vectors-libest-enroll")]
    [InlineData("patched-build", "200-oneline-csr.b64", "CN=vectors-strongswan-pki")]
    public void Enroll_answers_from_libest_decode_to_the_issued_certificate(string build, string file, string subject)
    {
        var certificate = Assert.Single(EstClient.ReadCertsOnly(Vector(build, file)));

        Assert.Equal(subject, certificate.Subject);
        Assert.Equal("CN=estExampleCA", certificate.Issuer);
    }

    [Fact]
    public void Csrattrs_from_libest_without_a_final_newline_name_P384_SHA384_and_the_wanted_attributes()
    {
        var info = CsrAttributesInfo.Decode(Estuary.Protocol.EstBase64.Decode(Vector("stock", "csrattrs.b64")));

        Assert.Equal("EC", info.KeyAlgorithm);
        Assert.Equal("P-384", info.Curve);
        Assert.Equal("SHA-384", info.Hash);
        Assert.Equal(["1.3.6.1.1.1.1.22", "1.2.840.113549.1.9.1"], info.RequestedOids);
        Assert.Equal(new KeySpec("EC", 384), KeySpec.FromCsrAttributes(info));
    }

    [Theory]
    [InlineData("stock", "serverkeygen.multipart", "serverkeygen.headers.txt")] // PKCS#1 labelled pkcs8, extra CRLF epilogue
    [InlineData("patched-build", "serverkeygen.multipart", "serverkeygen.headers.txt")] // real PKCS#8
    [InlineData("patched-build", "serverkeygen-b64nonl.multipart", "serverkeygen-b64nonl.headers.txt")] // one-line base64 parts
    public void Serverkeygen_answers_from_libest_give_a_PKCS8_key_that_matches_the_certificate(string build, string file, string headers)
    {
        var contentType = ContentType(build, headers);
        Assert.Contains("boundary=est-server-boundary", contentType, StringComparison.Ordinal); // unquoted boundary

        var generated = EstClient.ReadServerKeyGen(contentType, Vector(build, file));

        using var rsa = RSA.Create();
        rsa.ImportPkcs8PrivateKey(generated.Pkcs8PrivateKey, out var read);
        Assert.Equal(generated.Pkcs8PrivateKey.Length, read);
        Assert.Equal(4096, rsa.KeySize);
        Assert.Equal("CN=vectors-libest-skg", generated.Certificate.Subject);
        using var withKey = generated.Certificate.CopyWithPrivateKey(rsa); // throws if the key does not match
        Assert.True(withKey.HasPrivateKey);
    }

    [Fact]
    public void Stock_libest_key_part_is_PKCS1_and_is_wrapped_as_PKCS8()
    {
        var part = MultipartMixed.Parse(ContentType("stock", "serverkeygen.headers.txt"), Vector("stock", "serverkeygen.multipart"))
            .Single(p => p.ContentType == "application/pkcs8");
        var pkcs1 = Estuary.Protocol.EstBase64.Decode(part.Content);

        var pkcs8 = PrivateKeyNormalizer.ToPkcs8(pkcs1);

        Assert.NotEqual(pkcs1, pkcs8);
        using var rsa = RSA.Create();
        rsa.ImportRSAPrivateKey(pkcs1, out _);
        using var wrapped = RSA.Create();
        wrapped.ImportPkcs8PrivateKey(pkcs8, out _);
        Assert.Equal(rsa.ExportParameters(false).Modulus, wrapped.ExportParameters(false).Modulus);
    }

    [Fact]
    public void Stock_libest_multipart_has_two_parts_and_the_epilogue_is_ignored()
    {
        var body = Vector("stock", "serverkeygen.multipart");
        Assert.EndsWith("--est-server-boundary--\r\n\r\n", Encoding.ASCII.GetString(body), StringComparison.Ordinal);

        var parts = MultipartMixed.Parse(ContentType("stock", "serverkeygen.headers.txt"), body);

        Assert.Equal(2, parts.Count);
        Assert.StartsWith("application/pkcs7-mime", parts[1].ContentType, StringComparison.Ordinal);
    }

    [Fact]
    public void Generated_certificate_verifies_against_the_libest_root()
    {
        var root = EstClient.ReadCertsOnly(Vector("stock", "cacerts.b64"))[0];
        var generated = EstClient.ReadServerKeyGen(ContentType("stock", "serverkeygen.headers.txt"), Vector("stock", "serverkeygen.multipart"));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = new DateTime(2027, 1, 1, 0, 0, 0, DateTimeKind.Utc); // vectors' validity: 2026-11-26 to 2027-11-26
        chain.ChainPolicy.CustomTrustStore.Add(root);
        Assert.True(chain.Build(generated.Certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));
    }
}
