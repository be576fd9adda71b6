using System.Formats.Asn1;
using System.Security.Cryptography;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Crypto;
using Xunit;

namespace Estuary.Protocol.Tests;

public sealed class OpenSslEcdsaVerifierTests
{
    public static TheoryData<string, int> Curves => new()
    {
        { Oids.Secp256r1, 256 },
        { Oids.Secp384r1, 384 },
        { Oids.Secp521r1, 521 },
    };

    [Fact]
    public void The_fast_path_runs_on_this_platform()
    {
        // CI and the supported deployments are Debian with OpenSSL 3; if this fails the server silently
        // falls back to the slower BCL path, which the benchmarks would show.
        Assert.Equal(OperatingSystem.IsLinux(), OpenSslEcdsaVerifier.IsAvailable);
    }

    [Theory]
    [MemberData(nameof(Curves))]
    public void Agrees_with_the_BCL_on_valid_tampered_and_foreign_signatures(string curveOid, int bits)
    {
        for (var i = 0; i < 40; i++)
        {
            using var key = ECDsa.Create(ECCurve.CreateFromValue(curveOid));
            using var other = ECDsa.Create(ECCurve.CreateFromValue(curveOid));
            Assert.Equal(bits, key.KeySize);
            var spki = key.ExportSubjectPublicKeyInfo();
            var hash = SHA256.HashData(RandomNumberGenerator.GetBytes(1 + i * 7));
            var good = key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
            var tampered = (byte[])good.Clone();
            tampered[^1] ^= (byte)(1 + i);
            var foreign = other.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);

            foreach (var signature in new[] { good, tampered, foreign })
            {
                var expected = key.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence);
                Assert.Equal(expected, OpenSslEcdsaVerifier.TryVerifyHash(curveOid, spki, hash, signature));
            }

            Assert.True(OpenSslEcdsaVerifier.TryVerifyHash(curveOid, spki, hash, good));
        }
    }

    [Fact]
    public void A_compressed_point_verifies_like_the_uncompressed_one()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var compressed = new byte[33];
        compressed[0] = (byte)(0x02 | (q.Y![^1] & 1));
        q.X!.CopyTo(compressed, 1);
        var hash = SHA256.HashData("compressed"u8);
        var signature = key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);

        Assert.True(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, Spki(Oids.Secp256r1, compressed), hash, signature));
    }

    [Fact]
    public void The_point_at_infinity_is_never_handed_to_OpenSSL()
    {
        // With Q = O, r = x(u1·G) verifies for any message: the forgery this guard exists for.
        var hash = SHA256.HashData("infinity"u8);
        using var any = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var signature = any.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);

        Assert.Null(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, Spki(Oids.Secp256r1, [0x00]), hash, signature));
    }

    [Fact]
    public void Unusual_points_and_curves_are_left_to_the_BCL()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var q = key.ExportParameters(false).Q;
        var hash = SHA256.HashData("unusual"u8);
        var signature = key.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
        byte[] hybrid = [0x06, .. q.X!, .. q.Y!];
        byte[] offCurve = [0x04, .. q.X!, .. q.Y!];
        offCurve[^1] ^= 1;

        Assert.Null(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, Spki(Oids.Secp256r1, hybrid), hash, signature));
        Assert.Null(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, Spki(Oids.Secp256r1, offCurve), hash, signature));
        Assert.Null(OpenSslEcdsaVerifier.TryVerifyHash("1.3.132.0.10", key.ExportSubjectPublicKeyInfo(), hash, signature));
        Assert.Null(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, [0x30, 0x03, 0x02, 0x01], hash, signature));
    }

    [Fact]
    public void A_malformed_signature_is_invalid_and_leaves_OpenSSL_clean_for_the_next_BCL_operation()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var hash = SHA256.HashData("malformed"u8);

        Assert.False(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, key.ExportSubjectPublicKeyInfo(), hash, [0x30, 0x02, 0x05, 0x00]));
        Assert.False(OpenSslEcdsaVerifier.TryVerifyHash(Oids.Secp256r1, key.ExportSubjectPublicKeyInfo(), hash, []));

        // The BCL reads OpenSSL's per-thread error queue after its own calls; a stale entry would fail it.
        using var next = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        var signature = next.SignHash(hash, DSASignatureFormat.Rfc3279DerSequence);
        Assert.True(next.VerifyHash(hash, signature, DSASignatureFormat.Rfc3279DerSequence));
    }

    private static byte[] Spki(string curveOid, byte[] point)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(Oids.EcPublicKey);
                writer.WriteObjectIdentifier(curveOid);
            }

            writer.WriteBitString(point);
        }

        return writer.Encode();
    }
}
