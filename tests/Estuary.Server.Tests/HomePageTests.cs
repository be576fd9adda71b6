using System.Net;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>"/" on the EST listener is a short page pointing at EST and the console; it opens no other path.</summary>
public sealed class HomePageTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    [Fact]
    public async Task The_root_of_the_EST_listener_answers_200_with_the_EST_URL_and_the_console_URL()
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync(new Uri(server.BaseUri, "/"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        var page = await response.Content.ReadAsStringAsync();
        Assert.Contains(server.EstUrl, page, StringComparison.Ordinal);
        Assert.Contains(server.AdminUrl("/admin/"), page, StringComparison.Ordinal);
        Assert.Contains("CONFIGURATION.md", page, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/index.html")]
    [InlineData("/x/")]
    [InlineData("//admin/")]
    public async Task Other_paths_of_the_EST_listener_stay_404(string path)
    {
        using var client = server.CreateClient();
        using var response = await client.GetAsync(server.BaseUri.GetLeftPart(UriPartial.Authority) + path);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_listener_does_not_serve_the_EST_home_page()
    {
        using var client = server.CreateAdminClient();
        using var response = await client.GetAsync("/");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
