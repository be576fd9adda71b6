using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Testing;
using Xunit;

namespace Estuary.Ca.Tests;

/// <summary>CA keys generated in and signing inside a real SoftHSM2 token.</summary>
public sealed class Pkcs11SigningKeyTests : IAsyncLifetime
{
    private SoftHsmToken _hsm = null!;

    public async Task InitializeAsync() => _hsm = await SoftHsmToken.CreateAsync("ca-tests");

    public Task DisposeAsync()
    {
        _hsm.Dispose();
        return Task.CompletedTask;
    }

    private Pkcs11Options Options => new() { ModulePath = SoftHsmToken.ModulePath, TokenLabel = _hsm.Label, Pin = _hsm.Pin, KeyLabel = "unit" };

    [Theory]
    [InlineData("P-256")]
    [InlineData("P-384")]
    [InlineData("RSA-2048")]
    public void A_key_generated_in_the_token_signs_what_its_public_key_verifies_and_is_found_again_by_label(string algorithm)
    {
        var data = "to be signed"u8.ToArray();
        byte[] signature;
        PublicKey publicKey;
        using (var token = Pkcs11Token.Open(Options))
        {
            using var key = token.Generate("k-" + algorithm, KeyAlgorithm.Parse(algorithm));
            publicKey = key.PublicKey;
            signature = key.Sign(data);
        }

        Assert.True(Verify(publicKey, data, signature, KeyAlgorithm.Parse(algorithm).Hash));

        using var again = Pkcs11Token.Open(Options);
        using var found = again.Find("k-" + algorithm);
        Assert.Equal(publicKey.ExportSubjectPublicKeyInfo(), found.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.True(Verify(found.PublicKey, data, found.Sign(data), KeyAlgorithm.Parse(algorithm).Hash));
    }

    [Fact]
    public void Opening_with_a_wrong_PIN_or_an_unknown_token_fails_with_a_reason()
    {
        var wrongPin = Assert.Throws<InvalidOperationException>(() => Pkcs11Token.Open(new Pkcs11Options { ModulePath = SoftHsmToken.ModulePath, TokenLabel = _hsm.Label, Pin = "0000" }));
        var noToken = Assert.Throws<InvalidOperationException>(() => Pkcs11Token.Open(new Pkcs11Options { ModulePath = SoftHsmToken.ModulePath, TokenLabel = "absent", Pin = "0000" }));

        Assert.Contains("cannot log in", wrongPin.Message, StringComparison.Ordinal);
        Assert.Contains("no PKCS#11 token labelled 'absent'", noToken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Raw_r_and_s_become_a_DER_sequence_of_two_positive_integers()
    {
        var raw = new byte[64];
        raw[0] = 0x80; // r with the high bit set needs a leading zero octet
        raw[63] = 0x01;

        var der = Pkcs11SigningKey.RawToDer(raw);

        Assert.Equal(0x30, der[0]);
        Assert.Equal(new byte[] { 0x02, 0x21, 0x00, 0x80 }, der[2..6]);
        Assert.Equal(new byte[] { 0x02, 0x01, 0x01 }, der[^3..]);
    }

    private static bool Verify(PublicKey key, byte[] data, byte[] signature, HashAlgorithmName hash)
    {
        using var ec = key.GetECDsaPublicKey();
        if (ec is not null)
        {
            return ec.VerifyData(data, signature, hash, DSASignatureFormat.Rfc3279DerSequence);
        }

        using var rsa = key.GetRSAPublicKey()!;
        return rsa.VerifyData(data, signature, hash, RSASignaturePadding.Pkcs1);
    }
}
