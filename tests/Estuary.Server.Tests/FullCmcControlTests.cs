using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>A /fullcmc server where the account "auditor" may revoke any certificate (Estuary:CmcRevokers), and the compiled Bouncy Castle CMC client.</summary>
public sealed class FullCmcControlServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:CmcRevokers:0"] = "basic:auditor",
    });

    public string Classes { get; private set; } = "";

    public async Task InitializeAsync()
    {
        await Server.InitializeAsync();
        Classes = await BouncyCastleJava.CompileAsync(Path.Combine(RepositoryPaths.Root, "tests", "Estuary.Server.Tests", "Java", "BcCmcRequest.java"));
    }

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>CMC controls on /fullcmc (RFC 5272 §6): transactionId and nonces, unknown controls, revokeRequest — requests built by Bouncy Castle.</summary>
public sealed class FullCmcControlTests(FullCmcControlServer fixture) : IClassFixture<FullCmcControlServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private IEstuaryStore Store => Server.GetRequiredService<IEstuaryStore>();

    private async Task<string> RunAsync(string arguments, string? user = null, string? password = null)
    {
        var (code, output) = await BouncyCastleJava.RunAsync(fixture.Classes, "BcCmcRequest",
            $"--url {Server.EstUrl} --trust {Server.RootCertificatePath} --user {user ?? Server.EstUsername} --pass {password ?? Server.EstPassword} {arguments}");
        Assert.True(code == 0, output);
        return output;
    }

    /// <summary>Enrolls through /fullcmc; returns the certificate and the paths of its PEM and key.</summary>
    private async Task<(X509Certificate2 Certificate, string CertificatePath, string KeyPath)> EnrollAsync(string name, string? user = null, string? password = null)
    {
        var certificatePath = Path.Combine(fixture.Classes, name + ".pem");
        var keyPath = Path.Combine(fixture.Classes, name + ".key.pem");
        var output = await RunAsync($"--subject CN={name} --out {certificatePath} --keyout {keyPath}", user, password);
        Assert.Contains("status=0 bodyList=1", output, StringComparison.Ordinal);
        return (X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificatePath)), certificatePath, keyPath);
    }

    private Task<string> RevokeAsync(X509Certificate2 target, (X509Certificate2 Certificate, string CertificatePath, string KeyPath) signer, int reason = 1, string? user = null, string? password = null) =>
        RunAsync($"--subject CN=unused --out {Path.Combine(fixture.Classes, "unused.pem")} --revoke {target.SerialNumber} --reason {reason} --signcert {signer.CertificatePath} --signkey {signer.KeyPath}", user, password);

    private async Task<string> NewAccountAsync(string name)
    {
        var password = PasswordHasher.GeneratePassword();
        var hash = Server.GetRequiredService<PasswordHasher>().Hash(password);
        Assert.True(await Store.InsertAccountAsync(new EstAccount { Username = name, PasswordHash = hash, Enabled = true, CreatedAt = DateTimeOffset.UtcNow }, default));
        return password;
    }

    [Fact]
    public async Task The_transactionId_is_echoed_and_the_senderNonce_comes_back_as_recipientNonce_beside_a_fresh_senderNonce()
    {
        var output = await RunAsync($"--subject CN=bc-cmc-nonce --out {Path.Combine(fixture.Classes, "nonce.pem")} --txid 918273645 --nonce 00112233445566778899aabbccddeeff");

        Assert.Contains("status=0 bodyList=1", output, StringComparison.Ordinal);
        Assert.Contains("transactionId=918273645", output, StringComparison.Ordinal);
        Assert.Contains("recipientNonce=00112233445566778899aabbccddeeff", output, StringComparison.Ordinal);
        var senderNonce = output.Split('\n').Single(l => l.StartsWith("senderNonce=", StringComparison.Ordinal)).Trim()["senderNonce=".Length..];
        Assert.Equal(32, senderNonce.Length);
        Assert.NotEqual("00112233445566778899aabbccddeeff", senderNonce);
        Assert.Contains("certificate=CN=bc-cmc-nonce", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_control_fails_the_whole_PKIData_with_badRequest_and_nothing_is_issued()
    {
        var before = await Store.CountCertificatesAsync(default);

        var output = await RunAsync($"--subject CN=bc-cmc-unknown --out {Path.Combine(fixture.Classes, "unknown.pem")} --unknowncontrol 1.3.6.1.5.5.7.7.18 --txid 5");

        Assert.Contains("status=2 failInfo=2 bodyList=4 text=control 1.3.6.1.5.5.7.7.18 (bodyPartID 4) is not supported", output, StringComparison.Ordinal);
        Assert.Contains("transactionId=5", output, StringComparison.Ordinal);
        Assert.DoesNotContain("certificate=", output, StringComparison.Ordinal);
        Assert.Equal(before, await Store.CountCertificatesAsync(default));
    }

    [Fact]
    public async Task A_revokeRequest_signed_with_the_certificate_itself_revokes_it_and_the_revocation_is_audited()
    {
        var device = await EnrollAsync("bc-cmc-revoke-self");

        var output = await RevokeAsync(device.Certificate, device, reason: 1);

        Assert.Contains("status=0 bodyList=5 text=serial " + device.Certificate.SerialNumber + " revoked (keyCompromise)", output, StringComparison.Ordinal);
        var record = await Store.FindCertificateAsync(device.Certificate.SerialNumber, default);
        Assert.NotNull(record!.RevokedAt);
        Assert.Equal(1, record.RevocationReason);
        var audit = await Store.ListAuditAsync(1000, default);
        Assert.Contains(audit, e => e.Kind == "certificate.revoked" && e.Actor == $"basic:{Server.EstUsername} (fullcmc)" && e.Detail.Contains(device.Certificate.SerialNumber, StringComparison.Ordinal));

        // Repeating it is answered with success, not a second revocation.
        var again = await RevokeAsync(device.Certificate, device, reason: 1);
        Assert.Contains("status=0 bodyList=5 text=serial " + device.Certificate.SerialNumber + " was already revoked", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_may_revoke_another_certificate_of_its_own_account()
    {
        var first = await EnrollAsync("bc-cmc-own-1");
        var second = await EnrollAsync("bc-cmc-own-2");

        var output = await RevokeAsync(first.Certificate, second, reason: 4);

        Assert.Contains("status=0 bodyList=5", output, StringComparison.Ordinal);
        Assert.Equal(4, (await Store.FindCertificateAsync(first.Certificate.SerialNumber, default))!.RevocationReason);
        Assert.Null((await Store.FindCertificateAsync(second.Certificate.SerialNumber, default))!.RevokedAt);
    }

    [Fact]
    public async Task A_client_of_another_account_gets_CMC_failed_and_the_certificate_stays_good()
    {
        var victim = await EnrollAsync("bc-cmc-victim");
        var password = await NewAccountAsync("mallory");
        var mallory = await EnrollAsync("bc-cmc-mallory", "mallory", password);

        var output = await RevokeAsync(victim.Certificate, mallory, user: "mallory", password: password);

        Assert.Contains("status=2 failInfo=2 bodyList=5 text=account 'mallory' may not revoke serial " + victim.Certificate.SerialNumber, output, StringComparison.Ordinal);
        Assert.Null((await Store.FindCertificateAsync(victim.Certificate.SerialNumber, default))!.RevokedAt);
        var audit = await Store.ListAuditAsync(1000, default);
        Assert.Contains(audit, e => e.Kind == RegistrationAuthority.RefusedAuthorization && e.Actor == "basic:mallory" && e.Detail.Contains("fullcmc revoke", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_client_named_in_CmcRevokers_may_revoke_any_certificate_and_OCSP_then_says_revoked()
    {
        var victim = await EnrollAsync("bc-cmc-fleet");
        var password = await NewAccountAsync("auditor");
        var auditor = await EnrollAsync("bc-cmc-auditor", "auditor", password);

        var output = await RevokeAsync(victim.Certificate, auditor, reason: 5, user: "auditor", password: password);

        Assert.Contains("status=0 bodyList=5", output, StringComparison.Ordinal);
        Assert.Equal(5, (await Store.FindCertificateAsync(victim.Certificate.SerialNumber, default))!.RevocationReason);
        var issuing = Path.Combine(fixture.Classes, "issuing.pem");
        await File.WriteAllTextAsync(issuing, Server.GetRequiredService<Estuary.Ca.CertificateAuthority>().Certificate.ExportCertificatePem());
        var ocspUrl = Server.BaseUri.GetLeftPart(UriPartial.Authority) + "/ocsp";
        var (code, ocsp) = await Processes.RunAsync("openssl", $"ocsp -issuer {issuing} -cert {victim.CertificatePath} -url {ocspUrl} -CAfile {Server.RootCertificatePath}");
        Assert.True(code == 0, ocsp);
        Assert.Contains($"{victim.CertificatePath}: revoked", ocsp, StringComparison.Ordinal);
        Assert.Contains("Reason: cessationOfOperation", ocsp, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revokeRequest_for_a_serial_never_issued_here_gets_badCertId()
    {
        var device = await EnrollAsync("bc-cmc-unknown-serial");
        var output = await RunAsync($"--subject CN=unused --out {Path.Combine(fixture.Classes, "unused2.pem")} --revoke 7F00DEADBEEF --reason 0 --signcert {device.CertificatePath} --signkey {device.KeyPath}");

        Assert.Contains("status=2 failInfo=4 bodyList=5 text=no certificate with serial 7F00DEADBEEF", output, StringComparison.Ordinal);
    }
}
