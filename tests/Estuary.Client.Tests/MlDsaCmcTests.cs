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

        // Server-side key generation under the same ML-DSA hierarchy, to RSA recipients.
        ["Estuary:Labels:pqckg:Hierarchy"] = "pqc",
        ["Estuary:Labels:pqckg:ServerKeyGen"] = "true",
        ["Estuary:Labels:pqckg:AllowedKeys:0"] = "P-256",
        ["Estuary:Labels:pqckg:AllowedKeys:1"] = "RSA",
        ["Estuary:Labels:pqckg:KeyUsage:0"] = "DigitalSignature",
        ["Estuary:Labels:pqckg:KeyUsage:1"] = "KeyEncipherment",
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
        Label = label.Length == 0 ? null : label,
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

        // The answer on an ML-DSA label is signed by the label's issuing CA with ML-DSA, and the client accepted it.
        Assert.Equal(issuing.RawData, result.ResponseSigner.RawData);
        Assert.Equal(Oids.MlDsa65, result.ResponseSigner.PublicKey.Oid.Value);

        // The PKIData as the client signs it: the SignerInfo Node checks is the RFC 9882 one (OID without parameters,
        // SHA-512 messageDigest, content-type id-cct-PKIData), verified with the key the certificate was issued to.
        var signed = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-fullcmc")))]), key.Key, null, [], DateTimeOffset.UtcNow);
        var output = await NodeAsync(files, "cms-verify.mjs", null, signed, result.Certificate.RawData);
        Assert.Contains("eContentType=" + CmcOids.PkiData + " digest=SHA-512", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_PKIResponse_on_the_ML_DSA_label_is_an_RFC_9882_SignedData_of_its_issuing_CA_that_Node_verifies()
    {
        using var files = new PkiFiles();
        using var key = (MlDsaKey)KeySpec.Parse("ml-dsa-65").Generate();
        var signed = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-response")))]), key.Key, null, [], DateTimeOffset.UtcNow);
        using var client = Client();
        var issuing = (await client.GetCaCertsAsync()).Certificates.First(c => c.SubjectName.Name != c.IssuerName.Name);

        using var response = await PostAsync("pqc/fullcmc", signed, basic: true);

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        var der = Convert.FromBase64String(await response.Content.ReadAsStringAsync());
        var decoded = CmcPkiResponse.Decode(der);
        Assert.Equal(issuing.RawData, decoded.SignerCertificate);
        Assert.Equal(CmcStatus.Success, decoded.Statuses.Single().Status);
        MlDsaSignedData.Verify(der, issuing.RawData);
        var output = await NodeAsync(files, "cms-verify.mjs", null, der, issuing.RawData);
        Assert.Contains("eContentType=" + CmcOids.PkiResponse + " digest=SHA-512", output, StringComparison.Ordinal);

        // A failure is signed the same way: the client can read why, from a signer it can check.
        var wrong = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-response")))]), MlDsaPrivateKey.Generate(Oids.MlDsa65), null, [], DateTimeOffset.UtcNow);
        using var refused = await PostAsync("pqc/fullcmc", wrong, basic: true);
        var failed = Convert.FromBase64String(await refused.Content.ReadAsStringAsync());
        Assert.Equal(CmcFailInfo.BadMessageCheck, CmcPkiResponse.Decode(failed).Statuses.Single().FailInfo);
        await NodeAsync(files, "cms-verify.mjs", null, failed, issuing.RawData);
    }

    [Fact]
    public async Task An_encrypted_serverkeygen_key_package_on_an_ML_DSA_label_is_signed_with_ML_DSA_by_its_issuing_CA()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        using var client = Client("pqckg");
        var enrolled = await client.SimpleEnrollAsync(CsrBuilder.Build(rsa, new X500DistinguishedName("CN=pqc-recipient")));
        using var recipient = enrolled.Certificate.CopyWithPrivateKey(rsa);
        var encryption = ServerKeyEncryption.ToCertificate(recipient);
        using var throwaway = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);

        var generated = await client.ServerKeyGenAsync(CsrBuilder.Build(throwaway, new X500DistinguishedName("CN=pqc-generated"), attributes: [encryption.CsrAttribute]), encryption);

        // ReadKeyPackage verified the RFC 9882 SignerInfo; its signer is the label's ML-DSA issuing CA.
        Assert.NotNull(generated.KeyPackageSigner);
        Assert.Equal(Oids.MlDsa65, generated.KeyPackageSigner.PublicKey.Oid.Value);
        Assert.Equal(generated.Certificate.IssuerName.RawData, generated.KeyPackageSigner.SubjectName.RawData);
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

    [Fact]
    public async Task An_ML_DSA_65_certificate_renews_by_the_signature_of_its_PKIData_without_TLS_client_auth_or_Basic()
    {
        using var files = new PkiFiles();
        var (current, key) = await EnrollAsync("pqc", "ml-dsa-65", "CN=pqc-renew");
        using var anonymous = Client(basic: false);

        var renewed = await anonymous.FullCmcReenrollAsync(CsrBuilder.BuildRenewal(key, current), current, key);

        Assert.Equal(current.SubjectName.RawData, renewed.Certificate.SubjectName.RawData);
        Assert.NotEqual(current.SerialNumber, renewed.Certificate.SerialNumber);
        Assert.Equal(current.PublicKey.ExportSubjectPublicKeyInfo(), renewed.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
        var record = await Store.FindCertificateAsync(renewed.Certificate.SerialNumber, default);
        Assert.Equal(current.SerialNumber, record!.Replaces);
        Assert.Equal("fullcmc reenroll", record.Operation);
        Assert.Equal("cert:" + current.SerialNumber, record.RequestedBy);
        var issuing = renewed.OtherCertificates.First(c => c.SubjectName.Name == renewed.Certificate.IssuerName.Name);
        await NodeAsync(files, "mldsa-verify.mjs", "cert", renewed.Certificate.RawData, issuing.RawData);
        key.Dispose();
    }

    [Fact]
    public async Task A_renewal_with_a_new_ML_DSA_key_is_a_rekey_recorded_as_replacing_the_signer()
    {
        var (current, key) = await EnrollAsync("pqc", "ml-dsa-65", "CN=pqc-rekey");
        using var next = KeySpec.Parse("ml-dsa-65").Generate();
        using var anonymous = Client(basic: false);

        var renewed = await anonymous.FullCmcReenrollAsync(CsrBuilder.BuildRenewal(next, current), current, key);

        Assert.Equal(next.ExportSubjectPublicKeyInfo(), renewed.Certificate.PublicKey.ExportSubjectPublicKeyInfo());
        Assert.Equal(current.SerialNumber, (await Store.FindCertificateAsync(renewed.Certificate.SerialNumber, default))!.Replaces);
        key.Dispose();
    }

    [Fact]
    public async Task An_ECDSA_certificate_renews_the_same_way_on_the_default_label()
    {
        var (current, key) = await EnrollAsync("", "p-256", "CN=ec-cms-renew");
        using var anonymous = Client(label: "", basic: false);

        var renewed = await anonymous.FullCmcReenrollAsync(CsrBuilder.BuildRenewal(key, current), current, key);

        Assert.Equal(current.SubjectName.RawData, renewed.Certificate.SubjectName.RawData);
        Assert.Equal(current.SerialNumber, (await Store.FindCertificateAsync(renewed.Certificate.SerialNumber, default))!.Replaces);
        key.Dispose();
    }

    [Fact]
    public async Task A_revoked_signer_is_refused_with_403_and_the_reason()
    {
        var (current, key) = await EnrollAsync("pqc", "ml-dsa-65", "CN=pqc-revoked-signer");
        var revoked = await Server.GetRequiredService<Estuary.Ra.RevocationService>().RevokeAsync(current.SerialNumber, X509RevocationReason.KeyCompromise, "test", default);
        Assert.True(revoked.IsSuccess, revoked.Error?.Message);
        using var anonymous = Client(basic: false);

        var e = await Assert.ThrowsAsync<EstClientException>(() => anonymous.FullCmcReenrollAsync(CsrBuilder.BuildRenewal(key, current), current, key));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains($"certificate that signed the CMC request (serial {current.SerialNumber}) is revoked", e.ServerReason, StringComparison.Ordinal);
        key.Dispose();
    }

    [Fact]
    public async Task A_signer_this_CA_did_not_issue_is_refused_with_403_and_the_reason()
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var foreign = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=foreign", key, System.Security.Cryptography.HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        using var anonymous = Client(label: "", basic: false);

        var e = await Assert.ThrowsAsync<EstClientException>(() => anonymous.FullCmcReenrollAsync(CsrBuilder.BuildRenewal(key, foreign), foreign, key));

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, e.StatusCode);
        Assert.Contains("was not issued by this CA", e.ServerReason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_renewal_that_changes_the_subject_gets_CMC_failed_with_badRequest()
    {
        var (current, key) = await EnrollAsync("pqc", "ml-dsa-65", "CN=pqc-subject");
        using var anonymous = Client(basic: false);

        var e = await Assert.ThrowsAsync<EstCmcException>(() => anonymous.FullCmcReenrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-other-subject")), current, key));

        Assert.Equal(CmcFailInfo.BadRequest, e.FailInfo);
        Assert.Contains("must be identical to the subject of the certificate being renewed", e.StatusString, StringComparison.Ordinal);
        key.Dispose();
    }

    [Fact]
    public async Task A_renewal_signed_ten_minutes_ago_is_refused_as_a_possible_replay()
    {
        var (current, key) = await EnrollAsync("pqc", "ml-dsa-65", "CN=pqc-stale");
        var pkiData = CmcPkiData.Encode([], [(1, CsrBuilder.BuildRenewal(key, current))]);
        var stale = CmcSignedData.Sign(CmcOids.PkiData, pkiData, ((MlDsaKey)key).Key, current.RawData, [], DateTimeOffset.UtcNow.AddMinutes(-10));

        using var response = await PostAsync("pqc/fullcmc", stale);

        Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("possible replay", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        key.Dispose();
    }

    [Fact]
    public async Task An_anonymous_PKIData_signed_only_by_the_key_being_certified_still_gets_the_401_challenge()
    {
        using var key = (MlDsaKey)KeySpec.Parse("ml-dsa-65").Generate();
        var signed = CmcSignedData.Sign(CmcOids.PkiData, CmcPkiData.Encode([], [(1, CsrBuilder.Build(key, new X500DistinguishedName("CN=pqc-anonymous")))]), key.Key, null, [], DateTimeOffset.UtcNow);

        using var response = await PostAsync("pqc/fullcmc", signed);

        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
    }

    /// <summary>Enrolls through fullcmc with Basic on <paramref name="label"/>; the caller disposes the key.</summary>
    private async Task<(X509Certificate2 Certificate, System.Security.Cryptography.AsymmetricAlgorithm Key)> EnrollAsync(string label, string keyType, string subject)
    {
        var key = KeySpec.Parse(keyType).Generate();
        using var client = Client(label);
        var result = await client.FullCmcAsync(CsrBuilder.Build(key, new X500DistinguishedName(subject)), key);
        return (result.Certificate, key);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, byte[] signedData, bool basic = false)
    {
        using var http = Server.CreateClient(basicAuth: basic);
        using var content = new StringContent(Convert.ToBase64String(signedData));
        content.Headers.ContentType = System.Net.Http.Headers.MediaTypeHeaderValue.Parse("application/pkcs7-mime; smime-type=CMC-request");
        content.Headers.Add("Content-Transfer-Encoding", "base64");
        return await http.PostAsync(path, content);
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
