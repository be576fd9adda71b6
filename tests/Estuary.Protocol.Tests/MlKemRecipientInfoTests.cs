using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Cms;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>
/// KEMRecipientInfo (RFC 9629, RFC 9936) around a signed key package (RFC 7030 §4.4.2) for ML-KEM-512, -768 and -1024
/// recipients: Estuary opens what it sealed, and so does an implementation nobody here wrote (tests/node/mlkem-decap.mjs:
/// asn1js, @noble/post-quantum, @noble/hashes, @noble/ciphers).
/// </summary>
public sealed class MlKemRecipientInfoTests
{
    public static TheoryData<string, string, int> ParameterSets() => new()
    {
        { "2.16.840.1.101.3.4.4.1", KemRecipientInfo.Aes128WrapOid, 16 },
        { "2.16.840.1.101.3.4.4.2", KemRecipientInfo.Aes256WrapOid, 32 },
        { "2.16.840.1.101.3.4.4.3", KemRecipientInfo.Aes256WrapOid, 32 },
    };

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public void A_sealed_key_package_opens_with_the_recipients_key_in_each_private_key_form(string oid, string wrapOid, int kekLength)
    {
        var (spki, pkcs8) = MlKemKeys.Generate(oid);
        using var recipient = MlKemCertificate(spki);
        var content = RandomNumberGenerator.GetBytes(300);

        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate(content, recipient, Ski(recipient));

        var kemri = KemriFields(enveloped);
        Assert.Equal(oid, kemri.Kem);
        Assert.Equal(KemRecipientInfo.HkdfSha256Oid, kemri.Kdf);
        Assert.Equal(wrapOid, kemri.Wrap);
        Assert.Equal(kekLength, kemri.KekLength);
        var key = MlKemKeys.ReadPrivateKey(pkcs8, out var form);
        Assert.Equal(MlKemPrivateKeyForm.Seed, form);
        foreach (var written in Enum.GetValues<MlKemPrivateKeyForm>())
        {
            Assert.Equal(content, ServerGeneratedKeyEnvelope.OpenWithMlKemKey(enveloped, recipient, MlKemKeys.WritePrivateKey(key, written)));
        }
    }

    [Theory]
    [MemberData(nameof(ParameterSets))]
    public async Task Node_decapsulates_unwraps_and_recovers_the_key_of_the_signed_key_package(string oid, string wrapOid, int kekLength)
    {
        _ = (wrapOid, kekLength);
        var (spki, pkcs8) = MlKemKeys.Generate(oid);
        using var recipient = MlKemCertificate(spki);
        using var signerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = new CertificateRequest("CN=RA signer", signerKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var (_, generated) = MlKemKeys.Generate(Asn1.Oids.MlKem768); // the "server-generated" key inside
        var signed = ServerGeneratedKeyEnvelope.SignKeyPackage(generated, signer);
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate(signed, recipient, Ski(recipient));

        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("key.p7m"), enveloped);
        var key = MlKemKeys.ReadPrivateKey(pkcs8, out _);
        foreach (var form in Enum.GetValues<MlKemPrivateKeyForm>())
        {
            await File.WriteAllBytesAsync(files.File_("recipient.der"), MlKemKeys.WritePrivateKey(key, form));
            var (code, output) = await NodeVerifier.RunAsync("mlkem-decap.mjs", "decap", files.File_("key.p7m"), files.File_("recipient.der"));
            Assert.True(code == 0, output);
            Assert.Equal(Convert.ToBase64String(generated), output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).First(l => !l.StartsWith("mlkem-decap:", StringComparison.Ordinal)));
        }
    }

    [Fact]
    public void A_changed_kem_ciphertext_does_not_open()
    {
        var (spki, pkcs8) = MlKemKeys.Generate(Asn1.Oids.MlKem768);
        using var recipient = MlKemCertificate(spki);
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate([1, 2, 3], recipient, Ski(recipient));
        var at = enveloped.AsSpan().IndexOf(KemriFields(enveloped).Kemct);
        enveloped[at + 100] ^= 0x80; // ML-KEM rejects implicitly: another secret, so the key unwrap's integrity check fails

        var e = Assert.Throws<EstProtocolException>(() => ServerGeneratedKeyEnvelope.OpenWithMlKemKey(enveloped, recipient, pkcs8));
        Assert.Contains("cannot be opened", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_envelope_for_another_ML_KEM_key_has_no_recipient_info_for_this_one()
    {
        var (spki, _) = MlKemKeys.Generate(Asn1.Oids.MlKem768);
        var (otherSpki, otherKey) = MlKemKeys.Generate(Asn1.Oids.MlKem768);
        using var recipient = MlKemCertificate(spki);
        using var other = MlKemCertificate(otherSpki);
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate([1, 2, 3], recipient, Ski(recipient));

        var e = Assert.Throws<EstProtocolException>(() => ServerGeneratedKeyEnvelope.OpenWithMlKemKey(enveloped, other, otherKey));
        Assert.Contains("no KEMRecipientInfo", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_of_another_parameter_set_with_the_same_identifier_is_not_used()
    {
        var (spki, _) = MlKemKeys.Generate(Asn1.Oids.MlKem768);
        var (_, key512) = MlKemKeys.Generate(Asn1.Oids.MlKem512);
        using var recipient = MlKemCertificate(spki);
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate([1, 2, 3], recipient, Ski(recipient));

        Assert.Throws<EstProtocolException>(() => ServerGeneratedKeyEnvelope.OpenWithMlKemKey(enveloped, recipient, key512));
    }

    [Fact]
    public void The_envelope_is_version_3_with_an_ori_of_type_id_ori_kem_and_KEMRecipientInfo_version_0()
    {
        var (spki, _) = MlKemKeys.Generate(Asn1.Oids.MlKem768);
        using var recipient = MlKemCertificate(spki);

        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate([1, 2, 3], recipient, Ski(recipient));

        var envelopedData = new AsnReader(enveloped, AsnEncodingRules.DER).ReadSequence();
        Assert.Equal("1.2.840.113549.1.7.3", envelopedData.ReadObjectIdentifier());
        var body = envelopedData.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
        Assert.Equal(3, (int)body.ReadInteger()); // RFC 5652 §6.1
        var ori = body.ReadSetOf().ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4, true));
        Assert.Equal(KemRecipientInfo.OriKemOid, ori.ReadObjectIdentifier());
        var kemri = ori.ReadSequence();
        Assert.Equal(0, (int)kemri.ReadInteger());
        Assert.Equal(Ski(recipient), kemri.ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 0)));
    }

    [Fact]
    public void A_mutated_envelope_opens_or_fails_with_a_protocol_error_never_another_exception()
    {
        var (spki, pkcs8) = MlKemKeys.Generate(Asn1.Oids.MlKem512);
        using var recipient = MlKemCertificate(spki);
        byte[] content = [.. "the key package"u8];
        var enveloped = ServerGeneratedKeyEnvelope.EnvelopeForCertificate(content, recipient, Ski(recipient));
        var random = new Random(9629);
        for (var i = 0; i < 500; i++)
        {
            var mutated = enveloped.ToArray();
            switch (i % 3)
            {
                case 0:
                    mutated[random.Next(mutated.Length)] ^= (byte)(1 << random.Next(8));
                    break;
                case 1:
                    mutated = mutated[..random.Next(mutated.Length)];
                    break;
                default:
                    mutated[random.Next(mutated.Length)] = (byte)random.Next(256);
                    break;
            }

            try
            {
                // AES-CBC has no integrity of its own (an IV byte changes the first block): the SignedData inside is
                // what the client verifies next, so any bytes may come out here, but no exception other than ours.
                _ = ServerGeneratedKeyEnvelope.OpenWithMlKemKey(mutated, recipient, pkcs8);
            }
            catch (EstProtocolException)
            {
                // refused with a reason: what the client turns into a protocol error
            }
        }
    }

    /// <summary>An end-entity certificate for an ML-KEM SubjectPublicKeyInfo, signed by a throwaway P-256 CA, with keyEncipherment only.</summary>
    internal static X509Certificate2 MlKemCertificate(byte[] subjectPublicKeyInfo)
    {
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ca = new CertificateRequest("CN=Test CA", caKey, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        var publicKey = PublicKey.CreateFromSubjectPublicKeyInfo(subjectPublicKeyInfo, out _);
        var request = new CertificateRequest(new X500DistinguishedName("CN=ML-KEM recipient"), publicKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyEncipherment, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(SHA256.HashData(subjectPublicKeyInfo)[..20], false));
        return request.Create(ca.SubjectName, X509SignatureGenerator.CreateForECDsa(caKey), DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3, 4]);
    }

    internal static byte[] Ski(X509Certificate2 certificate) =>
        Convert.FromHexString(((X509SubjectKeyIdentifierExtension)certificate.Extensions["2.5.29.14"]!).SubjectKeyIdentifier!);

    private static (string Kem, byte[] Kemct, string Kdf, int KekLength, string Wrap) KemriFields(byte[] enveloped)
    {
        var envelopedData = new AsnReader(enveloped, AsnEncodingRules.DER).ReadSequence();
        _ = envelopedData.ReadObjectIdentifier();
        var body = envelopedData.ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 0, true)).ReadSequence();
        _ = body.ReadInteger();
        var ori = body.ReadSetOf().ReadSequence(new Asn1Tag(TagClass.ContextSpecific, 4, true));
        _ = ori.ReadObjectIdentifier();
        var kemri = ori.ReadSequence();
        _ = kemri.ReadInteger();
        _ = kemri.ReadEncodedValue();
        var kem = kemri.ReadSequence().ReadObjectIdentifier();
        var kemct = kemri.ReadOctetString();
        var kdf = kemri.ReadSequence().ReadObjectIdentifier();
        var kekLength = (int)kemri.ReadInteger();
        var wrap = kemri.ReadSequence().ReadObjectIdentifier();
        return (kem, kemct, kdf, kekLength, wrap);
    }
}
