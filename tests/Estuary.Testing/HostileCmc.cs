using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Cmc;

namespace Estuary.Testing;

/// <summary>Hostile CMC messages for the parser tests and the end-to-end hardening tests.</summary>
public static class HostileCmc
{
    /// <summary>
    /// A PKIData (RFC 5272 §3.2) signed by a self-signed certificate that travels in the SignedData, whose EC
    /// public key point was then moved off its curve (the certificate's own signature no longer matters: the
    /// server must refuse the certificate before it gets that far).
    /// </summary>
    public static byte[] FullCmcWithOffCurveSigner()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var certificate = new CertificateRequest("CN=off-curve signer", key, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var requestKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=off-curve", requestKey, HashAlgorithmName.SHA256).CreateSigningRequest();
        var cms = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, csr)]), key, certificate, []);

        var q = key.ExportParameters(false).Q;
        byte[] point = [0x04, .. q.X!, .. q.Y!];
        var offCurve = (byte[])point.Clone();
        for (var i = 0; IsOnCurve(offCurve); i++)
        {
            offCurve = (byte[])point.Clone();
            offCurve[^(1 + (i / 8))] ^= (byte)(1 << (i % 8));
        }

        var at = cms.AsSpan().IndexOf(point);
        if (at < 0 || cms.AsSpan(at + 1).IndexOf(point) >= 0)
        {
            throw new InvalidOperationException("the signer's point is not in the CMS exactly once");
        }

        offCurve.CopyTo(cms, at);
        return cms;
    }

    private static bool IsOnCurve(byte[] point)
    {
        try
        {
            using var probe = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = point[1..33], Y = point[33..] } });
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
    }
}
