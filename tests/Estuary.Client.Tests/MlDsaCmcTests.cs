using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Estuary.Protocol.Cmc;
using Estuary.Protocol.Crypto;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Client.Tests;

/// <summary>A server with an ML-DSA-65 hierarchy and a label "pqc" on it, beside the ECDSA default.</summary>
public sealed class MlDsaCmcServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Ca:Hierarchies:pqc:KeyAlgorithm"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:Hierarchy"] = "pqc",
        ["Estuary:Labels:pqc:AllowedKeys:0"] = "ML-DSA-65",
        ["Estuary:Labels:pqc:AllowedKeys:1"] = "P-256",
        ["Estuary:Labels:pqc:ExtendedKeyUsage:0"] = "ClientAuth",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>
/// /fullcmc on an ML-DSA-65 label over real TLS, driven by the real client: a PKIData signed with ML-DSA (RFC 9882) is
/// issued, and every ML-DSA signature involved verifies under @noble/post-quantum (tests/node).
/// </summary>
public sealed class MlDsaCmcTests(MlDsaCmcServer fixture) : IClassFixture<MlDsaCmcServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private IEstuaryStore Store => Server.GetRequiredService<IEstuaryStore>();

    private EstClient Client(string label = "pqc", bool basic = true) => new(new EstClientOptionsBuilder
    {
        Server = Server.BaseUri,
        Anchors = [Server.RootCertificate],
        User = basic ? Server.EstUsername : null,
        Password = basic ? Server.EstPassword : null,
        Label = label,
    }.Build());

    [Fact]
    public async Task Fullcmc_with_a_PKIData_signed_by_an_ML_DSA_65_key_issues_a_certificate_that_Node_verifies()
    {
        using var files = new PkiFiles();
        using var key = (MlDsaKey)KeySpec.Parse("ml-dsa-65").Generate();
        using var client = Client();

        var result = await client.FullCmcAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-fullcmc")), key);

        Assert.Equal("CN=pqc-fullcmc", result.Certificate.Subject);
        Assert.Equal(Oids.MlDsa65, result.Certificate.PublicKey.Oid.Value);
        Assert.Equal("fullcmc", (await Store.FindCertificateAsync(result.Certificate.SerialNumber, default))!.Operation);
        var issuing = result.OtherCertificates.First(c => c.SubjectName.Name == result.Certificate.IssuerName.Name);
        await NodeAsync(files, "mldsa-verify.mjs", "cert", result.Certificate.RawData, issuing.RawData);

        // The PKIData as the client signs it: the SignerInfo Node checks is the RFC 9882 one (OID without parameters,
        // SHA-512 messageDigest, content-type id-cct-PKIData), verified with the key the certificate was issued to.
        var signed = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-fullcmc")))]), key.Key, null, [], DateTimeOffset.UtcNow);
        var output = await NodeAsync(files, "cms-verify.mjs", null, signed, result.Certificate.RawData);
        Assert.Contains("eContentType=" + CmcOids.PkiData + " digest=SHA-512", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_PKIData_whose_ML_DSA_signature_is_flipped_gets_CMC_failed_with_badMessageCheck()
    {
        using var key = (MlDsaKey)KeySpec.Parse("ml-dsa-65").Generate();
        var signed = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-flipped")))]), key.Key, null, [], DateTimeOffset.UtcNow);
        signed[^10] ^= 1; // inside the signature, the last field of the one SignerInfo

        var request = CmcRequest.Decode(signed);

        Assert.NotNull(request.SignatureProblem);
        Assert.Empty(request.SignerCertificates);
    }

    private static async Task<string> NodeAsync(PkiFiles files, string script, string? kind, byte[] der, byte[] certificate)
    {
        var file = files.File_(Guid.NewGuid().ToString("N") + ".der");
        var certificateFile = files.File_(Guid.NewGuid().ToString("N") + ".der");
        await File.WriteAllBytesAsync(file, der);
        await File.WriteAllBytesAsync(certificateFile, certificate);
        var (code, output) = kind is null
            ? await NodeVerifier.RunAsync(script, file, certificateFile)
            : await NodeVerifier.RunAsync(script, kind, file, certificateFile);
        Assert.True(code == 0, output);
        Assert.Contains("verified: " + (kind ?? "cms"), output, StringComparison.Ordinal);
        return output;
    }
}
