using System.Security.Cryptography.X509Certificates;
using Estuary.Testing;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>
/// ML-KEM keys that another implementation wrote (OpenSSL 3.5's ossl35 provider, IETF hackathon pqc-certificates, see
/// ../shared/vectors/pqc/README.md): Estuary reads all three RFC 9935 private-key forms, they agree with the
/// certificate's public key, they decapsulate OpenSSL's ciphertext to OpenSSL's shared secret, and what Estuary writes
/// it reads back to the same key.
/// </summary>
public sealed class MlKemVectorTests
{
    public static TheoryData<string, string, string> Vectors()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var (name, oid) in new[] { ("ml-kem-512", "2.16.840.1.101.3.4.4.1"), ("ml-kem-768", "2.16.840.1.101.3.4.4.2"), ("ml-kem-1024", "2.16.840.1.101.3.4.4.3") })
        {
            foreach (var form in new[] { "seed", "expandedkey", "both" })
            {
                data.Add(name, oid, form);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Each_private_key_form_yields_the_public_key_of_the_certificate(string name, string oid, string form)
    {
        var key = MlKemKeys.ReadPrivateKey(Read(name, oid, $"{form}_priv.der"), out var readForm);
        using var certificate = X509CertificateLoader.LoadCertificate(Read(name, oid, "ee.der"));

        Assert.Equal(form switch { "seed" => MlKemPrivateKeyForm.Seed, "expandedkey" => MlKemPrivateKeyForm.ExpandedKey, _ => MlKemPrivateKeyForm.Both }, readForm);
        Assert.Equal(oid, certificate.PublicKey.Oid.Value);
        Assert.Equal(certificate.PublicKey.ExportSubjectPublicKeyInfo(), MlKemKeys.WritePublicKey(key.GetPublicKey()));
        Assert.Equal(oid, MlKemKeys.OidOf(MlKemKeys.ReadPublicKey(certificate.PublicKey.ExportSubjectPublicKeyInfo()).Parameters));
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void Each_private_key_form_decapsulates_the_ciphertext_to_the_shared_secret(string name, string oid, string form)
    {
        var key = MlKemKeys.ReadPrivateKey(Read(name, oid, $"{form}_priv.der"), out _);

        var secret = MlKemKeys.Decapsulate(key, Read(name, oid, "ciphertext.bin"));

        Assert.Equal(Read(name, oid, "ss.bin"), secret);
    }

    [Theory]
    [MemberData(nameof(Vectors))]
    public void A_key_written_back_in_each_form_reads_again_as_the_same_key(string name, string oid, string form)
    {
        var original = Read(name, oid, $"{form}_priv.der");
        var key = MlKemKeys.ReadPrivateKey(original, out var readForm);
        var expanded = key.GetEncoded();

        // A key read with its seed can be written in every form; one read from the expanded key only in that form.
        var forms = readForm == MlKemPrivateKeyForm.ExpandedKey ? new[] { MlKemPrivateKeyForm.ExpandedKey } : Enum.GetValues<MlKemPrivateKeyForm>();
        foreach (var written in forms)
        {
            var pkcs8 = MlKemKeys.WritePrivateKey(key, written);
            var again = MlKemKeys.ReadPrivateKey(pkcs8, out var againForm);
            Assert.Equal(written, againForm);
            Assert.Equal(expanded, again.GetEncoded());
            if (written == readForm)
            {
                Assert.Equal(original, pkcs8); // DER: the same bytes OpenSSL wrote
            }
        }
    }

    [Fact]
    public void A_both_key_whose_seed_and_expanded_key_disagree_is_refused()
    {
        var both = Read("ml-kem-768", "2.16.840.1.101.3.4.4.2", "both_priv.der");
        both[^10] ^= 0x01; // inside the expandedKey, after the seed

        var e = Assert.Throws<EstProtocolException>(() => MlKemKeys.ReadPrivateKey(both, out _));
        Assert.Contains("do not agree", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_expanded_key_with_a_wrong_public_key_hash_is_refused()
    {
        var expanded = Read("ml-kem-512", "2.16.840.1.101.3.4.4.1", "expandedkey_priv.der");
        expanded[^40] ^= 0x01; // inside H(ek) (FIPS 203: dk = dkPKE ‖ ek ‖ H(ek) ‖ z)

        var e = Assert.Throws<EstProtocolException>(() => MlKemKeys.ReadPrivateKey(expanded, out _));
        Assert.Contains("hash check", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Trailing_bytes_after_a_private_key_are_refused()
    {
        byte[] seed = [.. Read("ml-kem-768", "2.16.840.1.101.3.4.4.2", "seed_priv.der"), 0x00];

        Assert.Throws<EstProtocolException>(() => MlKemKeys.ReadPrivateKey(seed, out _));
    }

    [Fact]
    public void A_ciphertext_of_the_wrong_length_is_refused()
    {
        var key = MlKemKeys.ReadPrivateKey(Read("ml-kem-768", "2.16.840.1.101.3.4.4.2", "seed_priv.der"), out _);

        Assert.Throws<EstProtocolException>(() => MlKemKeys.Decapsulate(key, Read("ml-kem-512", "2.16.840.1.101.3.4.4.1", "ciphertext.bin")));
    }

    private static byte[] Read(string name, string oid, string suffix) =>
        File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "vectors", "pqc", "ossl35", $"{name}-{oid}_{suffix}"));
}
