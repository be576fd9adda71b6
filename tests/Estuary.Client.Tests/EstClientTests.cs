using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;
using Estuary.Testing;
using Xunit;

namespace Estuary.Client.Tests;

/// <summary>The client against the real Estuary server over real TLS on loopback.</summary>
public sealed class EstClientTests(EstuaryTestServer server) : IClassFixture<EstuaryTestServer>
{
    private EstClient Client(Action<EstClientOptionsBuilder>? configure = null)
    {
        var b = new EstClientOptionsBuilder { Server = server.BaseUri, Anchors = [server.RootCertificate] };
        configure?.Invoke(b);
        return new EstClient(b.Build());
    }

    [Fact]
    public async Task Cacerts_with_an_explicit_trust_anchor_returns_the_issuing_CA_and_the_root()
    {
        using var client = Client();

        var cacerts = await client.GetCaCertsAsync();

        Assert.Equal(2, cacerts.Certificates.Count);
        Assert.Equal(server.RootCertificate.Thumbprint, Assert.Single(cacerts.Roots).Thumbprint);
    }

    [Fact]
    public async Task Without_a_trust_anchor_the_server_is_not_trusted_and_the_error_says_so()
    {
        using var client = Client(b => b.Anchors = []);

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.GetCaCertsAsync());

        Assert.Equal(EstClientErrorKind.Trust, e.Kind);
        Assert.Contains("not trusted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bootstrap_with_the_right_fingerprint_trusts_the_root_and_goes_on_to_enroll()
    {
        using var client = Client(b =>
        {
            b.Anchors = [];
            b.Fingerprint = TrustFingerprint.Of(server.RootCertificate).ToLowerInvariant();
            b.User = server.EstUsername;
            b.Password = server.EstPassword;
        });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var issued = await client.SimpleEnrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=bootstrapped")));

        Assert.True(client.Bootstrapped);
        Assert.Equal(server.RootCertificate.Thumbprint, Assert.Single(client.TrustAnchors).Thumbprint);
        Assert.Equal("CN=bootstrapped", issued.Certificate.Subject);
    }

    [Fact]
    public async Task Bootstrap_with_a_wrong_fingerprint_trusts_nothing()
    {
        var wrong = string.Concat(Enumerable.Repeat("AB", 32));
        using var client = Client(b => { b.Anchors = []; b.Fingerprint = wrong; });

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.GetCaCertsAsync());

        Assert.Equal(EstClientErrorKind.Trust, e.Kind);
        Assert.Contains("bootstrap refused", e.Message, StringComparison.Ordinal);
        Assert.Contains(TrustFingerprint.Of(server.RootCertificate), e.Message, StringComparison.Ordinal);
        Assert.False(client.Bootstrapped);
    }

    [Fact]
    public async Task Csrattrs_are_decoded_into_the_key_the_label_wants()
    {
        using var client = Client();

        var info = await client.GetCsrAttributesAsync();

        Assert.Equal("EC", info.KeyAlgorithm);
        Assert.Equal("P-256", info.Curve);
        Assert.Equal(Estuary.Protocol.Asn1.Oids.EcdsaWithSha256, info.SignatureAlgorithm);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Basic_credentials_are_sent_after_the_challenge_or_up_front(bool upFront)
    {
        using var client = Client(b => { b.User = server.EstUsername; b.Password = server.EstPassword; b.UpFront = upFront; });
        using var key = RSA.Create(2048);

        var issued = await client.SimpleEnrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=basic-" + upFront), dnsNames: ["basic.example"]));

        Assert.Equal("CN=basic-" + upFront, issued.Certificate.Subject);
        Assert.NotNull(issued.Certificate.GetRSAPublicKey());
    }

    [Fact]
    public async Task A_wrong_password_is_Unauthorized_with_the_servers_reason()
    {
        using var client = Client(b => { b.User = server.EstUsername; b.Password = "wrong"; });
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.SimpleEnrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=x"))));

        Assert.Equal(EstClientErrorKind.Unauthorized, e.Kind);
        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.False(string.IsNullOrEmpty(e.ServerReason));
    }

    [Fact]
    public async Task Reenroll_authenticates_with_the_client_certificate_and_keeps_subject_and_names()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        EnrollmentResult first;
        using (var basic = Client(b => { b.User = server.EstUsername; b.Password = server.EstPassword; }))
        {
            first = await basic.SimpleEnrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=renew-me"), dnsNames: ["renew.example"]));
        }

        using var identity = X509CertificateLoader.LoadPkcs12(first.Certificate.CopyWithPrivateKey(key).Export(X509ContentType.Pkcs12), null);
        using var client = Client(b => b.Identity = identity);
        using var newKey = ECDsa.Create(ECCurve.NamedCurves.nistP384);

        var renewed = await client.SimpleReenrollAsync(CsrBuilder.BuildRenewal(newKey, first.Certificate));

        Assert.Equal("CN=renew-me", renewed.Certificate.Subject);
        Assert.NotEqual(first.Certificate.SerialNumber, renewed.Certificate.SerialNumber);
        Assert.Equal(384, renewed.Certificate.GetECDsaPublicKey()!.KeySize);
        Assert.Contains("renew.example", renewed.Certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single().EnumerateDnsNames());
    }

    [Fact]
    public async Task Reenroll_without_a_client_certificate_is_refused_with_the_servers_reason()
    {
        using var client = Client();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.SimpleReenrollAsync(CsrBuilder.Build(key, new X500DistinguishedName("CN=x"))));

        Assert.True(e.Kind is EstClientErrorKind.Refused or EstClientErrorKind.Unauthorized, e.Kind.ToString());
        Assert.False(string.IsNullOrEmpty(e.ServerReason));
        Assert.Contains(e.ServerReason!, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_is_down_fails_fast_as_a_network_error()
    {
        var port = FreePort();
        using var client = new EstClient(new EstClientOptions { Server = new Uri($"https://127.0.0.1:{port}"), TrustAnchors = [server.RootCertificate], Timeout = TimeSpan.FromSeconds(20) });

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.GetCaCertsAsync());

        Assert.Equal(EstClientErrorKind.Network, e.Kind);
        Assert.Contains($"127.0.0.1:{port}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_label_is_refused_with_404_and_the_servers_reason()
    {
        using var client = Client(b => b.Label = "no-such-label");

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.GetCaCertsAsync());

        Assert.Equal(EstClientErrorKind.Refused, e.Kind);
        Assert.Equal(HttpStatusCode.NotFound, e.StatusCode);
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>Mutable knobs for building <see cref="EstClientOptions"/> in tests.</summary>
public sealed class EstClientOptionsBuilder
{
    public required Uri Server { get; set; }

    public X509Certificate2[] Anchors { get; set; } = [];

    public string? Fingerprint { get; set; }

    public string? User { get; set; }

    public string? Password { get; set; }

    public bool UpFront { get; set; }

    public string? Label { get; set; }

    public X509Certificate2? Identity { get; set; }

    public EstClientOptions Build() => new()
    {
        Server = Server,
        TrustAnchors = new X509Certificate2Collection(Anchors),
        TrustFingerprint = Fingerprint,
        Username = User,
        Password = Password,
        SendCredentialsUpFront = UpFront,
        Label = Label,
        ClientCertificate = Identity,
    };
}
