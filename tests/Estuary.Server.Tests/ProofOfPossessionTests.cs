using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol;
using Estuary.Protocol.Asn1;
using Estuary.Testing;
using Xunit;

namespace Estuary.Server.Tests;

/// <summary>Proof-of-possession linking (RFC 7030 §3.5) with the TLS channel binding of the connection.</summary>
public sealed class ProofOfPossessionTests : IAsyncLifetime
{
    private readonly EstuaryTestServer _server = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:pop:RequireProofOfPossessionLinking"] = "true",
    });

    public Task InitializeAsync() => _server.InitializeAsync();

    public Task DisposeAsync() => _server.DisposeAsync();

    [Fact]
    public void The_private_SslStream_field_that_holds_the_OpenSSL_session_still_exists()
    {
        // If this fails, a .NET update moved SslStream._securityContext: PoP-requiring labels now refuse
        // every enrollment ("cannot be read"). Update TlsChannelBinding for the new runtime.
        var field = TlsChannelBinding.SecurityContextField;
        Assert.NotNull(field);
        Assert.True(typeof(SafeHandle).IsAssignableFrom(field.FieldType), $"SslStream._securityContext is a {field.FieldType}, not a SafeHandle");
    }

    [Fact]
    public async Task Bouncy_Castle_simpleEnrollPoP_over_TLS_1_2_enrolls_on_a_label_that_requires_linking()
    {
        var classes = await BouncyCastleJava.CompileAsync(Path.Combine(RepositoryPaths.Root, "tests", "Estuary.Server.Tests", "Java", "BcPopEnroll.java"));
        var certificate = Path.Combine(classes, "pop.pem");
        var (code, output) = await BouncyCastleJava.RunAsync(classes, "BcPopEnroll",
            $"--server 127.0.0.1:{_server.BaseUri.Port} --trust {_server.RootCertificatePath} --user {_server.EstUsername} --pass {_server.EstPassword} --label pop --subject CN=bc-pop --out {certificate}");

        Assert.True(code == 0, output);
        Assert.Equal("CN=bc-pop", X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(certificate)).Subject);
    }

    [Fact]
    public async Task A_CSR_without_a_challengePassword_is_refused_on_a_linking_label_and_accepted_elsewhere()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        using var refused = await client.PostAsync("pop/simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=no-pop", key)));
        using var accepted = await client.PostAsync("simpleenroll", EstWire.Pkcs10(TestCsr.Create("CN=no-pop", key)));

        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("challengePassword must hold the base64", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }

    [Fact]
    public async Task A_challengePassword_from_another_connection_is_refused()
    {
        using var client = _server.CreateClient(basicAuth: true);
        using var key = TestCsr.NewP256();
        var request = new CertificateRequest("CN=wrong-pop", key, HashAlgorithmName.SHA256);
        var password = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        password.WriteCharacterString(System.Formats.Asn1.UniversalTagNumber.PrintableString, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
        request.OtherRequestAttributes.Add(new AsnEncodedData(Oids.ChallengePassword, password.Encode()));
        using var response = await client.PostAsync("pop/simpleenroll", EstWire.Pkcs10(request.CreateSigningRequest()));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("does not match the tls-exporter channel binding", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Csrattrs_of_a_linking_label_asks_for_the_challengePassword()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync("pop/csrattrs");
        var attributes = CsrAttributes.Decode(EstBase64.Decode(await response.Content.ReadAsByteArrayAsync()));

        Assert.Contains(attributes.Items, i => i.Oid == Oids.ChallengePassword && i.Values is null);
        using var plain = await client.GetAsync("csrattrs");
        Assert.DoesNotContain(CsrAttributes.Decode(EstBase64.Decode(await plain.Content.ReadAsByteArrayAsync())).Items, i => i.Oid == Oids.ChallengePassword);
    }

    [Fact]
    public async Task The_TLS_1_3_exporter_binding_equals_what_openssl_s_client_exports()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var selfSigned = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        using var certificate = X509CertificateLoader.LoadPkcs12(selfSigned.Export(X509ContentType.Pkcs12), null);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;

        var client = Processes.RunAsync("sh", $"-c \"openssl s_client -connect 127.0.0.1:{port} -tls1_3 -keymatexport EXPORTER-Channel-Binding -keymatexportlen 32 < /dev/null\"");
        using var socket = await listener.AcceptTcpClientAsync();
        await using var ssl = new SslStream(socket.GetStream());
        await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate, EnabledSslProtocols = SslProtocols.Tls13 });
        var binding = TlsChannelBinding.Read(ssl);
        var (_, output) = await client;

        Assert.Equal("tls-exporter", binding.Type);
        var line = output.Split('\n').Single(l => l.Contains("Keying material:", StringComparison.Ordinal));
        Assert.Equal(line.Split(':')[1].Trim(), Convert.ToHexString(binding.Value!));
    }
}
