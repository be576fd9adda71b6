using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>The encrypted key part of RFC 7030 §4.4.2, opened by openssl (an independent CMS implementation) and by our own reader.</summary>
public sealed class ServerGeneratedKeyEnvelopeTests
{
    private static readonly byte[] Generated = ECDsa.Create(ECCurve.NamedCurves.nistP256).ExportPkcs8PrivateKey();

    [Fact]
    public async Task Openssl_decrypts_the_RSA_OAEP_envelope_and_finds_a_signed_key_package_holding_the_key()
    {
        using var recipient = SelfSigned(RSA.Create(2048));
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate(SignedPackage(), recipient, Ski(recipient));

        var package = await OpensslDecryptAsync(enveloped, recipient, "-recip cert.pem -inkey key.pem");

        Assert.Equal(Generated, package);
        Assert.Contains("rsaesOaep", await OpensslPrintAsync(enveloped), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Openssl_decrypts_the_ephemeral_static_ECDH_envelope()
    {
        using var recipient = SelfSigned(ECDsa.Create(ECCurve.NamedCurves.nistP384));
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate(SignedPackage(), recipient, Ski(recipient));

        Assert.Equal(Generated, await OpensslDecryptAsync(enveloped, recipient, "-recip cert.pem -inkey key.pem"));
        Assert.Contains("dhSinglePass-stdDH-sha256kdf-scheme", await OpensslPrintAsync(enveloped), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Openssl_decrypts_the_KEK_envelope_with_the_secret_key_and_its_identifier()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        byte[] keyId = [0x6b, 0x65, 0x6b, 0x2d, 0x31];
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForKek(SignedPackage(), keyId, kek);

        var package = await OpensslDecryptAsync(enveloped, null, $"-secretkey {Convert.ToHexString(kek)} -secretkeyid {Convert.ToHexString(keyId)}");

        Assert.Equal(Generated, package);
        var printed = await OpensslPrintAsync(enveloped);
        Assert.Contains("kekri", printed, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("id-aes256-wrap", printed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_envelope_says_it_holds_a_SignedData()
    {
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForKek(SignedPackage(), [1], RandomNumberGenerator.GetBytes(16));

        // RFC 5652 §6.1 encryptedContentInfo.contentType: pkcs7-signedData, not pkcs7-data.
        Assert.Matches(@"encryptedContentInfo:\s*\n\s*contentType: pkcs7-signedData", await OpensslPrintAsync(enveloped));
    }

    [Fact]
    public void Our_reader_opens_every_kind_and_verifies_the_signature()
    {
        using var rsa = SelfSigned(RSA.Create(2048));
        using var ec = SelfSigned(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var kek = RandomNumberGenerator.GetBytes(16);
        using var signer = Signer();
        var signed = ServerGeneratedKeyEnvelope.SignKeyPackage(Generated, signer);

        foreach (var recipient in new[] { rsa, ec })
        {
            var opened = ServerGeneratedKeyEnvelope.OpenWithPrivateKey(ServerGeneratedKeyEnvelope.EnvelopeForCertificate(signed, recipient, Ski(recipient)), recipient);
            Assert.Equal(Generated, ServerGeneratedKeyEnvelope.ReadKeyPackage(opened, out var by));
            Assert.Equal(signer.Thumbprint, by.Thumbprint);
        }

        var viaKek = ServerGeneratedKeyEnvelope.OpenWithKek(ServerGeneratedKeyEnvelope.EnvelopeForKek(signed, [7, 7], kek), [7, 7], kek);
        Assert.Equal(Generated, ServerGeneratedKeyEnvelope.ReadKeyPackage(viaKek, out _));
    }

    [Fact]
    public void A_wrong_key_or_identifier_is_a_protocol_error_not_a_crash()
    {
        var kek = RandomNumberGenerator.GetBytes(16);
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForKek(SignedPackage(), [7, 7], kek);
        using var other = SelfSigned(RSA.Create(2048));

        Assert.Throws<EstProtocolException>(() => ServerGeneratedKeyEnvelope.OpenWithKek(enveloped, [7, 8], kek));
        Assert.Throws<EstProtocolException>(() => ServerGeneratedKeyEnvelope.OpenWithKek(enveloped, [7, 7], RandomNumberGenerator.GetBytes(16)));
        Assert.Throws<EstProtocolException>(() => ServerGeneratedKeyEnvelope.OpenWithPrivateKey(enveloped, other));
    }

    private static byte[] SignedPackage()
    {
        using var signer = Signer();
        return ServerGeneratedKeyEnvelope.SignKeyPackage(Generated, signer);
    }

    private static X509Certificate2 Signer() => SelfSigned(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private static X509Certificate2 SelfSigned(AsymmetricAlgorithm key)
    {
        var request = key switch
        {
            RSA rsa => new CertificateRequest("CN=recipient", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
            ECDsa ec => new CertificateRequest("CN=recipient", ec, HashAlgorithmName.SHA256),
            _ => throw new ArgumentException("key"),
        };
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using (key)
        {
            return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddDays(1));
        }
    }

    private static byte[] Ski(X509Certificate2 certificate) =>
        Convert.FromHexString(((X509SubjectKeyIdentifierExtension)certificate.Extensions["2.5.29.14"]!).SubjectKeyIdentifier!);

    /// <summary>openssl cms -decrypt, then openssl cms -verify of the SignedData inside; returns the one key of the AsymmetricKeyPackage.</summary>
    private static async Task<byte[]> OpensslDecryptAsync(byte[] enveloped, X509Certificate2? recipient, string keyArguments)
    {
        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("key.p7m"), enveloped);
        if (recipient is not null)
        {
            files.Certificates("cert.pem", recipient);
            var key = (AsymmetricAlgorithm?)recipient.GetRSAPrivateKey() ?? recipient.GetECDsaPrivateKey()!;
            await File.WriteAllTextAsync(files.File_("key.pem"), key.ExportPkcs8PrivateKeyPem());
        }

        var (code, output) = await Processes.RunAsync("openssl", $"cms -decrypt -inform DER -in key.p7m -outform DER -out signed.der {keyArguments}", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        (code, output) = await Processes.RunAsync("openssl", "cms -verify -noverify -inform DER -in signed.der -binary -out package.der", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        var package = new AsnReader(await File.ReadAllBytesAsync(files.File_("package.der")), AsnEncodingRules.DER).ReadSequence();
        var single = package.ReadEncodedValue().ToArray();
        Assert.False(package.HasData);
        return single;
    }

    private static async Task<string> OpensslPrintAsync(byte[] enveloped)
    {
        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("key.p7m"), enveloped);
        var (code, output) = await Processes.RunAsync("openssl", "cms -cmsout -print -inform DER -in key.p7m", workingDirectory: files.Directory);
        Assert.True(code == 0, output);
        return output;
    }
}
