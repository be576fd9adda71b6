using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Cmc;
using Xunit;

namespace Estuary.Protocol.Tests;

/// <summary>The CMC encoders and decoders of Estuary.Protocol.Cmc, checked against Bouncy Castle's own CMC ASN.1 classes.</summary>
public sealed class CmcMessageTests
{
    [Fact]
    public void A_RevokeRequest_encodes_as_Bouncy_Castle_reads_it_and_decodes_back()
    {
        var issuer = new X500DistinguishedName("CN=Estuary Issuing CA, O=Estuary");
        var request = new CmcRevokeRequest(issuer.RawData, "00F3A1", (int)X509RevocationReason.KeyCompromise, Comment: "lost laptop");

        var der = request.Encode();

        // RevokeRequest ::= SEQUENCE { issuerName Name, serialNumber INTEGER, reason CRLReason, …, comment UTF8String }
        var bc = Org.BouncyCastle.Asn1.Asn1Sequence.GetInstance(der);
        Assert.Equal(issuer.RawData, Org.BouncyCastle.Asn1.X509.X509Name.GetInstance(bc[0]).GetEncoded());
        Assert.Equal(0xF3A1, Org.BouncyCastle.Asn1.DerInteger.GetInstance(bc[1]).IntValueExact);
        Assert.Equal(1, Org.BouncyCastle.Asn1.DerEnumerated.GetInstance(bc[2]).IntValueExact);
        Assert.Equal("lost laptop", Org.BouncyCastle.Asn1.DerUtf8String.GetInstance(bc[3]).GetString());
        var back = CmcRevokeRequest.Decode(der);
        Assert.Equal("00F3A1", back.SerialHex);
        Assert.Equal(1, back.Reason);
        Assert.Equal(issuer.RawData, back.IssuerName.ToArray());
        Assert.Equal("lost laptop", back.Comment);
    }

    [Fact]
    public void A_signed_PKIResponse_decodes_with_its_statuses_controls_and_verified_signer()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var signer = new CertificateRequest("CN=test RA", key, HashAlgorithmName.SHA256).CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        CmcStatusInfo[] statuses = [new(CmcStatus.Failed, [7], "no such certificate", CmcFailInfo.BadCertId)];
        CmcControl[] controls = [CmcPkiData.IntegerControl(2, CmcOids.TransactionId, 42), CmcPkiData.OctetStringControl(3, CmcOids.RecipientNonce, [1, 2, 3])];

        var response = CmcPkiResponse.Decode(CmcResponse.Encode(statuses, [], signer, controls));

        var status = Assert.Single(response.Statuses);
        Assert.Equal(CmcStatus.Failed, status.Status);
        Assert.Equal(CmcFailInfo.BadCertId, status.FailInfo);
        Assert.Equal([7L], status.BodyList);
        Assert.Equal("no such certificate", status.StatusString);
        Assert.Equal(new byte[] { 1, 2, 3 }, CmcPkiData.ReadOctetString(response.Find(CmcOids.RecipientNonce)!));
        Assert.Equal(signer.RawData, response.SignerCertificate);
    }

    [Fact]
    public void A_PKIData_signed_with_the_request_key_decodes_with_its_controls_and_a_verified_signature()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var csr = new CertificateRequest("CN=cmc", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        CmcControl[] controls = [CmcPkiData.IntegerControl(2, CmcOids.TransactionId, 9)];
        var pkiData = CmcPkiData.Encode(controls, [(1, csr)]);

        var request = CmcRequest.Decode(CmcSignedData.Sign(CmcOids.PkiData, pkiData, key, null, []));

        Assert.Null(request.SignatureProblem);
        Assert.Equal(1, Assert.Single(request.Requests).BodyPartId);
        Assert.Equal(CmcOids.TransactionId, Assert.Single(request.Controls).Type);
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Assert.NotNull(CmcRequest.Decode(CmcSignedData.Sign(CmcOids.PkiData, pkiData, other, null, [])).SignatureProblem);
    }
}
