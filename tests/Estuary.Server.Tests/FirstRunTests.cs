using System.Text.Json;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>The first-run contract of the README: what `estuary serve` creates and reuses.</summary>
public sealed class FirstRunTests
{
    [Fact]
    public async Task First_start_creates_the_CA_credentials_and_database_and_the_second_reuses_them()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            var root = await File.ReadAllTextAsync(server.RootCertificatePath);
            var password = server.EstPassword;
            Assert.Contains("created a new CA", server.StartupOutput, StringComparison.Ordinal);
            // The test server's output is not a terminal: the password stays in the 0600 file, the banner names the file.
            Assert.DoesNotContain(password, server.StartupOutput, StringComparison.Ordinal);
            Assert.Contains($"password in {Path.Combine(server.DataDir, InitialCredentials.FileName)}", server.StartupOutput, StringComparison.Ordinal);
            Assert.Contains("Estuary is ready: https://127.0.0.1:", server.StartupOutput, StringComparison.Ordinal);

            var credentials = Path.Combine(server.DataDir, "initial-credentials.json");
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
            using (var json = JsonDocument.Parse(await File.ReadAllTextAsync(credentials)))
            {
                Assert.Equal("est", json.RootElement.GetProperty("est").GetProperty("username").GetString());
            }

            foreach (var keyFile in new[] { "root-ca.key.pem", "issuing-ca.key.pem", "tls-server.key.pem" })
            {
                var path = Path.Combine(server.DataDir, keyFile);
                Assert.StartsWith("-----BEGIN ENCRYPTED PRIVATE KEY-----", await File.ReadAllTextAsync(path), StringComparison.Ordinal);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(path));
            }

            var db = await File.ReadAllTextAsync(Path.Combine(server.DataDir, "estuary.db"));
            Assert.DoesNotContain(password, db, StringComparison.Ordinal);

            await server.StopAsync();
            await server.StartAsync();

            Assert.Contains("using the CA in", server.StartupOutput, StringComparison.Ordinal);
            Assert.DoesNotContain(password, server.StartupOutput, StringComparison.Ordinal);
            Assert.Equal(root, await File.ReadAllTextAsync(server.RootCertificatePath));
            using var client = server.CreateClient(basicAuth: true);
            using var key = TestCsr.NewP256();
            using var enrolled = await EstWire.EnrollAsync(client, "CN=after-restart", key);
            Assert.Equal("CN=after-restart", enrolled.Subject);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
