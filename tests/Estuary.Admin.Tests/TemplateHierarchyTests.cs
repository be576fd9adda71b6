using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography.X509Certificates;
using Estuary.Admin.Pages.Admin.Templates;
using Estuary.Client;
using Estuary.Protocol.Asn1;
using Estuary.Ra;
using Estuary.Testing;
using Microsoft.Playwright;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Console templates choose the CA hierarchy that signs (an ML-DSA-65 one here, beside the main ECDSA CA) and may
/// offer ML-KEM keys with the rules of configuration labels: through the REST API and the form, end to end over EST.
/// </summary>
public sealed class TemplateHierarchyTests(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Ca:Hierarchies:pqc:KeyAlgorithm"] = "ML-DSA-65",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    private static object Template(string name, string? hierarchy, string[] keys, bool serverKeyGeneration = false) => new
    {
        name,
        labels = new[] { name },
        hierarchy,
        allowedKeys = keys,
        validityDays = 30,
        extendedKeyUsage = new[] { "ClientAuth" },
        keyUsage = new[] { "DigitalSignature" },
        subjectAttributes = new[] { "CN" },
        serverKeyGeneration,
    };

    [Fact]
    public async Task A_template_on_the_ML_DSA_hierarchy_issues_ML_DSA_signed_certificates_that_Node_verifies()
    {
        using var api = AdminTestClient.Api(_server, await AdminTestClient.KeyAsync(_server, "write"));
        using (var created = await api.PostAsync("templates", AdminTestClient.Json(Template("pqc-devices", "pqc", ["P-256"]))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var read = await api.GetAsync("templates/pqc-devices"))
        {
            Assert.Equal("pqc", (await AdminTestClient.ReadJsonAsync(read)).GetProperty("template").GetProperty("hierarchy").GetString());
        }

        using var est = AdminTestClient.Est(_server, _server.EstUsername, _server.EstPassword);
        est.BaseAddress = new Uri(_server.EstUrl + "/pqc-devices/");
        using var key = TestCsr.NewP256();
        using var certificate = await EstWire.EnrollAsync(est, "CN=template-pqc", key);
        Assert.Equal(Oids.MlDsa65, certificate.SignatureAlgorithm.Value);

        using var cacerts = await _server.CreateClient().GetAsync("pqc-devices/cacerts");
        var chain = await EstWire.ReadCertsAsync(cacerts);
        Assert.All(chain, c => Assert.Equal(Oids.MlDsa65, c.PublicKey.Oid.Value));
        Assert.Equal(chain[0].Subject, certificate.Issuer);
        using var files = new PkiFiles();
        await File.WriteAllBytesAsync(files.File_("ee.der"), certificate.RawData);
        await File.WriteAllBytesAsync(files.File_("issuing.der"), chain[0].RawData);
        var (code, output) = await NodeVerifier.RunAsync("mldsa-verify.mjs", "cert", files.File_("ee.der"), files.File_("issuing.der"));
        Assert.True(code == 0, output);

        // Stored with the template (in its JSON): a restart serves it under the same hierarchy.
        await _server.StopAsync();
        await _server.StartAsync();
        var reloaded = _server.GetRequiredService<TemplateService>().Find("pqc-devices");
        Assert.Equal("pqc", reloaded?.Definition.Hierarchy);
        using var afterRestart = AdminTestClient.Est(_server, _server.EstUsername, _server.EstPassword);
        afterRestart.BaseAddress = new Uri(_server.EstUrl + "/pqc-devices/");
        using var again = await EstWire.EnrollAsync(afterRestart, "CN=template-pqc-again", key);
        Assert.Equal(Oids.MlDsa65, again.SignatureAlgorithm.Value);
        using var api2 = AdminTestClient.Api(_server, await AdminTestClient.KeyAsync(_server, "write"));

        // A template without a hierarchy keeps the main CA.
        using (var main = await api2.PostAsync("templates", AdminTestClient.Json(Template("main-devices", null, ["P-256"]))))
        {
            Assert.Equal(HttpStatusCode.Created, main.StatusCode);
        }

        using var mainEst = AdminTestClient.Est(_server, _server.EstUsername, _server.EstPassword);
        mainEst.BaseAddress = new Uri(_server.EstUrl + "/main-devices/");
        using var mainCertificate = await EstWire.EnrollAsync(mainEst, "CN=template-main", key);
        Assert.Equal(Oids.EcdsaWithSha256, mainCertificate.SignatureAlgorithm.Value);
    }

    [Fact]
    public async Task An_ML_KEM_template_hands_out_ML_KEM_768_keys_by_serverkeygen_only_and_the_API_refuses_the_mistakes()
    {
        using var api = AdminTestClient.Api(_server, await AdminTestClient.KeyAsync(_server, "write"));
        using (var unknown = await api.PostAsync("templates", AdminTestClient.Json(Template("gone-ca", "gone", ["P-256"]))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
            Assert.Contains("Hierarchy: 'gone' is not a configured CA hierarchy", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var noKeyGen = await api.PostAsync("templates", AdminTestClient.Json(Template("kem-bad", null, ["P-256", "ML-KEM-768"]))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, noKeyGen.StatusCode);
            Assert.Contains("ML-KEM-768 keys come only from server-side key generation", await noKeyGen.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var created = await api.PostAsync("templates", AdminTestClient.Json(Template("kem", "pqc", ["P-256", "ML-KEM-768"], serverKeyGeneration: true))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var est = AdminTestClient.Est(_server, _server.EstUsername, _server.EstPassword);
        using var key = TestCsr.NewP256();
        using var response = await est.PostAsync("kem/serverkeygen", EstWire.Pkcs10(TestCsr.Create("CN=template-kem", key)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var generated = EstClient.ReadServerKeyGen(response.Content.Headers.ContentType?.ToString(), await response.Content.ReadAsByteArrayAsync());
        Assert.Equal(Oids.MlKem768, generated.Certificate.PublicKey.Oid.Value);
        Assert.Equal(Oids.MlDsa65, generated.Certificate.SignatureAlgorithm.Value);
        Assert.Equal(X509KeyUsageFlags.KeyEncipherment, Assert.IsType<X509KeyUsageExtension>(generated.Certificate.Extensions[Oids.KeyUsage]).KeyUsages);

        // RFC 9935: the key cannot sign a CSR, so simpleenroll on the template is refused with its reason.
        using var enroll = await est.PostAsync("kem/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=template-kem", key)));
        Assert.Equal(HttpStatusCode.BadRequest, enroll.StatusCode);
        Assert.Contains("ML-KEM keys come from /serverkeygen", await enroll.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_form_offers_the_hierarchies_and_ML_KEM_and_shows_an_unknown_hierarchy_and_ML_KEM_without_serverkeygen_beside_their_fields()
    {
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await ChromiumFixture.LogInAsync(page, _server);
        await page.GotoAsync(_server.AdminUrl("/admin/templates/edit"));
        await Assertions.Expect(page.Locator("#Hierarchy option")).ToHaveCountAsync(2);
        Assert.Equal("default", await page.InputValueAsync("#Hierarchy"));
        await Assertions.Expect(page.Locator("#AllowedKeys input[value='ML-KEM-768']")).ToHaveCountAsync(1);

        await page.FillAsync("#Name", "form-kem");
        await page.FillAsync("#Labels", "form-kem");
        // A hierarchy removed from the configuration while the form was open.
        await page.EvalOnSelectorAsync("#Hierarchy", "s => { s.add(new Option('gone', 'gone')); s.value = 'gone'; }");
        await page.CheckAsync("#AllowedKeys input[value='ML-KEM-768']");
        await page.ClickAsync("#save");

        await Assertions.Expect(page.Locator("#Hierarchy-error")).ToContainTextAsync("CA hierarchy: 'gone' is not a configured CA hierarchy");
        await Assertions.Expect(page.Locator("#AllowedKeys-error")).ToContainTextAsync("Allowed keys: ML-KEM-768 keys come only from server-side key generation");
        Assert.Empty(_server.GetRequiredService<TemplateService>().Templates);
        await ChromiumFixture.ScreenshotAsync(page, "33-template-hierarchy-mlkem-mistakes");

        await page.SelectOptionAsync("#Hierarchy", "pqc");
        await page.CheckAsync("input[name='Form.ServerKeyGeneration']");
        await page.ClickAsync("#save");
        await Assertions.Expect(page.Locator("#message")).ToContainTextAsync("Template 'form-kem' saved");
        var saved = Assert.Single(_server.GetRequiredService<TemplateService>().Templates).Definition;
        Assert.Equal("pqc", saved.Hierarchy);
        Assert.Contains("ML-KEM-768", saved.AllowedKeys);

        // Edited again, the form shows what was stored.
        await page.GotoAsync(_server.AdminUrl("/admin/templates/edit/form-kem"));
        Assert.Equal("pqc", await page.InputValueAsync("#Hierarchy"));
        Assert.True(await page.IsCheckedAsync("#AllowedKeys input[value='ML-KEM-768']"));
    }
}
