using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>
/// Each REST operation against a real server, and its effect on EST at once (no restart): a template
/// created through the API serves its label, admits only its accounts and groups, and checks names.
/// </summary>
public sealed class ApiOperationsTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private static object SensorTemplate(string name, string label, string[]? accounts = null, string[]? groups = null) => new
    {
        name,
        labels = new[] { label },
        allowedAccounts = accounts ?? [],
        allowedGroups = groups ?? [],
        commonNamePattern = "sensor-*",
        dnsPatterns = new[] { "*.sensors.example" },
        allowedKeys = new[] { "P-256" },
        validityDays = 30,
        extendedKeyUsage = new[] { "ClientAuth" },
        keyUsage = new[] { "DigitalSignature" },
        subjectAttributes = new[] { "CN", "O" },
    };

    [Fact]
    public async Task A_template_and_account_created_through_the_API_enroll_at_once_and_the_certificate_is_listed()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));
        using (var created = await api.PostAsync("templates", AdminTestClient.Json(SensorTemplate("sensors", "sensors", groups: ["sensor-fleet"]))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var account = await api.PostAsync("accounts", AdminTestClient.Json(new { username = "fleet-1", groups = new[] { "sensor-fleet" } }));
        Assert.Equal(HttpStatusCode.Created, account.StatusCode);
        var password = (await AdminTestClient.ReadJsonAsync(account)).GetProperty("password").GetString()!;

        using var est = AdminTestClient.Est(server, "fleet-1", password);
        using var key = TestCsr.NewP256();
        using var enrolled = await est.PostAsync("sensors/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=sensor-7", key, "dns:a.sensors.example")));
        Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        var certificate = Assert.Single(await EstWire.ReadCertsAsync(enrolled));
        Assert.InRange((certificate.NotAfter - certificate.NotBefore).TotalDays, 29.9, 30.1);

        using var list = await api.GetAsync("certificates?label=sensors&q=sensor-7");
        var found = Assert.Single((await AdminTestClient.ReadJsonAsync(list)).EnumerateArray());
        Assert.Equal(certificate.SerialNumber, found.GetProperty("serial").GetString());
        Assert.Equal("basic:fleet-1", found.GetProperty("requestedBy").GetString());
        Assert.Equal("valid", found.GetProperty("status").GetString());

        using var one = await api.GetAsync("certificates/" + certificate.SerialNumber);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        using var pem = await api.GetAsync($"certificates/{certificate.SerialNumber}/pem?chain=true");
        var chain = await pem.Content.ReadAsStringAsync();
        Assert.Equal(3, chain.Split("BEGIN CERTIFICATE").Length - 1);

        using var labels = await api.GetAsync("labels");
        Assert.Contains((await AdminTestClient.ReadJsonAsync(labels)).EnumerateArray(), l => l.GetProperty("label").GetString() == "sensors" && l.GetProperty("template").GetString() == "sensors");

        using var audit = await api.GetAsync("audit?kind=template.");
        Assert.Contains((await AdminTestClient.ReadJsonAsync(audit)).EnumerateArray(), e => e.GetProperty("kind").GetString() == "template.created" && e.GetProperty("actor").GetString()!.StartsWith("apikey:"));
    }

    [Fact]
    public async Task A_template_refuses_accounts_outside_its_lists_with_403_and_names_outside_its_patterns_with_400()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));
        using (var created = await api.PostAsync("templates", AdminTestClient.Json(SensorTemplate("restricted", "restricted", accounts: ["only-me"]))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using var key = TestCsr.NewP256();
        using (var other = AdminTestClient.Est(server, server.EstUsername, server.EstPassword))
        using (var refused = await other.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=sensor-1", key))))
        {
            Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);
            Assert.Contains("may not use template 'restricted'", await refused.Content.ReadAsStringAsync());
        }

        using var account = await api.PostAsync("accounts", AdminTestClient.Json(new { username = "only-me" }));
        var password = (await AdminTestClient.ReadJsonAsync(account)).GetProperty("password").GetString()!;
        using var est = AdminTestClient.Est(server, "only-me", password);
        using (var badCn = await est.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=camera-1", key))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badCn.StatusCode);
            Assert.Contains("sensor-*", await badCn.Content.ReadAsStringAsync());
        }

        using (var badDns = await est.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=sensor-1", key, "dns:x.y.sensors.example"))))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badDns.StatusCode);
            Assert.Contains("DNS:x.y.sensors.example", await badDns.Content.ReadAsStringAsync());
        }

        using (var ok = await est.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=sensor-1", key, "dns:x.sensors.example"))))
        {
            Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        }

        // Disabling takes effect on the very next request, although the password check was just remembered.
        using (var disabled = await api.PatchAsync("accounts/only-me", AdminTestClient.Json(new { enabled = false })))
        {
            Assert.False((await AdminTestClient.ReadJsonAsync(disabled)).GetProperty("enabled").GetBoolean());
        }

        using (var after = await est.PostAsync("restricted/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=sensor-1", key))))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        }

        using var failures = await api.GetAsync("audit?kind=est.refused");
        var kinds = (await AdminTestClient.ReadJsonAsync(failures)).EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Contains("est.refused.authorization", kinds);
        Assert.Contains("est.refused.policy", kinds);
        Assert.Contains("est.refused.authentication", kinds);
    }

    [Fact]
    public async Task Templates_are_validated_updated_and_deleted_only_when_unused()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));
        using (var bad = await api.PostAsync("templates", AdminTestClient.Json(new { name = "bad one", labels = Array.Empty<string>(), allowedKeys = new[] { "DSA" }, ipRanges = new[] { "10.0.0.0/33" } })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
            var reasons = await bad.Content.ReadAsStringAsync();
            Assert.Contains("Name", reasons);
            Assert.Contains("Labels", reasons);
            Assert.Contains("10.0.0.0/33", reasons);
        }

        using (var notJson = await api.PostAsync("templates", new StringContent("{", System.Text.Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        }

        using (var created = await api.PostAsync("templates", AdminTestClient.Json(SensorTemplate("temp", "temp"))))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var duplicate = await api.PostAsync("templates", AdminTestClient.Json(SensorTemplate("temp", "temp2"))))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        using (var updated = await api.PutAsync("templates/temp", AdminTestClient.Json(SensorTemplate("temp", "temp-renamed"))))
        {
            Assert.Equal(HttpStatusCode.OK, updated.StatusCode);
        }

        using (var client = server.CreateClient())
        {
            using var old = await client.GetAsync("temp/csrattrs");
            Assert.Equal(HttpStatusCode.NotFound, old.StatusCode);
            using var renamed = await client.GetAsync("temp-renamed/csrattrs");
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        }

        using (var fetched = await api.GetAsync("templates/temp"))
        {
            Assert.Equal("temp-renamed", (await AdminTestClient.ReadJsonAsync(fetched)).GetProperty("template").GetProperty("labels")[0].GetString());
        }

        using (var deleted = await api.DeleteAsync("templates/temp"))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using (var gone = await api.GetAsync("templates/temp"))
        {
            Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        }

        // A template that issued certificates stays.
        using (await api.PostAsync("templates", AdminTestClient.Json(SensorTemplate("used", "used"))))
        {
        }

        using var key = TestCsr.NewP256();
        using (var est = AdminTestClient.Est(server, server.EstUsername, server.EstPassword))
        using (var issued = await est.PostAsync("used/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=sensor-2", key))))
        {
            Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        }

        using var inUse = await api.DeleteAsync("templates/used");
        Assert.Equal(HttpStatusCode.Conflict, inUse.StatusCode);
    }

    [Fact]
    public async Task Accounts_CA_adapters_and_API_keys_can_be_read_and_managed()
    {
        using var api = AdminTestClient.Api(server, await AdminTestClient.KeyAsync(server, "write"));
        using (var created = await api.PostAsync("accounts", AdminTestClient.Json(new { username = "grouped", groups = new[] { "a", "b" } })))
        {
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        using (var duplicate = await api.PostAsync("accounts", AdminTestClient.Json(new { username = "grouped" })))
        {
            Assert.Equal(HttpStatusCode.Conflict, duplicate.StatusCode);
        }

        using (var badName = await api.PostAsync("accounts", AdminTestClient.Json(new { username = "a:b" })))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badName.StatusCode);
        }

        using (var regrouped = await api.PatchAsync("accounts/grouped", AdminTestClient.Json(new { groups = new[] { "c" } })))
        {
            Assert.Equal(["c"], (await AdminTestClient.ReadJsonAsync(regrouped)).GetProperty("groups").EnumerateArray().Select(g => g.GetString()!));
        }

        using (var reset = await api.PostAsync("accounts/grouped/password", null))
        {
            var password = (await AdminTestClient.ReadJsonAsync(reset)).GetProperty("password").GetString()!;
            using var est = AdminTestClient.Est(server, "grouped", password);
            using var key = TestCsr.NewP256();
            using var enrolled = await est.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=grouped-device", key)));
            Assert.Equal(HttpStatusCode.OK, enrolled.StatusCode);
        }

        using (var missing = await api.PatchAsync("accounts/nobody", AdminTestClient.Json(new { enabled = false })))
        {
            Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        }

        using (var accounts = await api.GetAsync("accounts"))
        {
            var list = (await AdminTestClient.ReadJsonAsync(accounts)).EnumerateArray().ToList();
            Assert.Contains(list, a => a.GetProperty("username").GetString() == "est");
            Assert.DoesNotContain("pbkdf2", list.ToString());
        }

        using (var ca = await api.GetAsync("ca"))
        {
            var chain = (await AdminTestClient.ReadJsonAsync(ca)).EnumerateArray().ToList();
            var root = Assert.Single(chain, c => c.GetProperty("role").GetString()!.StartsWith("root"));
            Assert.Equal(Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(server.RootCertificate.RawData)), root.GetProperty("sha256Fingerprint").GetString()!.Replace(":", ""));
        }

        using (var adapters = await api.GetAsync("adapters"))
        {
            Assert.Equal("builtin", (await AdminTestClient.ReadJsonAsync(adapters))[0].GetProperty("name").GetString());
        }

        using var newKey = await api.PostAsync("api-keys", AdminTestClient.Json(new { name = "ci", role = "auditor" }));
        var readKey = (await AdminTestClient.ReadJsonAsync(newKey)).GetProperty("key").GetString()!;
        using (var reader = AdminTestClient.Api(server, readKey))
        using (var listed = await reader.GetAsync("api-keys"))
        {
            var text = await listed.Content.ReadAsStringAsync();
            Assert.Contains("\"ci\"", text);
            Assert.DoesNotContain(readKey.Split('_')[2], text);
        }

        using var deleted = await api.DeleteAsync("api-keys/" + readKey.Split('_')[1]);
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }
}
