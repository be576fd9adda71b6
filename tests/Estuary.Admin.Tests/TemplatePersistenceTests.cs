using System.Net;
using Estuary.Ra;
using Estuary.Testing;
using Xunit;

namespace Estuary.Admin.Tests;

/// <summary>Managed templates live in storage: a restart serves them again.</summary>
public sealed class TemplatePersistenceTests
{
    [Fact]
    public async Task A_template_saved_before_a_restart_still_serves_its_label_after_it()
    {
        var server = new EstuaryTestServer();
        await server.InitializeAsync();
        try
        {
            var problems = await server.GetRequiredService<TemplateService>().SaveAsync(
                new TemplateDefinition { Name = "kept", Labels = ["kept"], AllowedKeys = ["P-384"] }, create: true, "test", CancellationToken.None);
            Assert.Empty(problems);

            await server.StopAsync();
            await server.StartAsync();

            using var client = server.CreateClient();
            using var response = await client.GetAsync("kept/csrattrs");
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.NotNull(server.GetRequiredService<LabelRegistry>().FindManaged("kept")?.Template);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
