using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>An administrator's TLS client certificate (listed in Estuary:Admin:ClientCertificateSubjects) works instead of an API key.</summary>
public sealed class ApiClientCertificateTests
{
    [Fact]
    public async Task A_listed_client_certificate_may_read_and_write_and_an_unlisted_one_gets_401()
    {
        var server = EstuaryTestServer.With(new Dictionary<string, string?> { ["Estuary:Admin:ClientCertificateSubjects:0"] = "CN=ops-admin" });
        await server.InitializeAsync();
        try
        {
            using var est = server.CreateClient(basicAuth: true);
            using var adminKey = TestCsr.NewP256();
            using var admin = await EstWire.EnrollAsync(est, "CN=ops-admin", adminKey);
            using var otherKey = TestCsr.NewP256();
            using var other = await EstWire.EnrollAsync(est, "CN=device-1", otherKey);

            using (var client = server.CreateAdminClient(admin))
            {
                client.BaseAddress = new Uri(server.AdminUrl("/api/v1/"));
                using var read = await client.GetAsync("ca");
                Assert.Equal(HttpStatusCode.OK, read.StatusCode);
                using var write = await client.PostAsync("accounts", AdminTestClient.Json(new { username = "by-cert" }));
                Assert.Equal(HttpStatusCode.Created, write.StatusCode);
            }

            using (var client = server.CreateAdminClient(other))
            {
                client.BaseAddress = new Uri(server.AdminUrl("/api/v1/"));
                using var refused = await client.GetAsync("ca");
                Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
                Assert.Contains("not an administrator certificate", await refused.Content.ReadAsStringAsync());
            }
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
