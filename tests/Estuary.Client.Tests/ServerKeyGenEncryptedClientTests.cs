using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ra;
using Estuary.Testing;
using Xunit;

namespace Estuary.Client.Tests;

/// <summary>A server whose certificates may receive keys (keyEncipherment and keyAgreement).</summary>
public sealed class KeyReceivingServer : IAsyncLifetime
{
    public EstuaryTestServer Server { get; } = EstuaryTestServer.With(new Dictionary<string, string?>
    {
        ["Estuary:Labels:default:KeyUsage:0"] = "DigitalSignature",
        ["Estuary:Labels:default:KeyUsage:1"] = "KeyEncipherment",
        ["Estuary:Labels:default:KeyUsage:2"] = "KeyAgreement",
    });

    public Task InitializeAsync() => Server.InitializeAsync();

    public Task DisposeAsync() => Server.DisposeAsync();
}

/// <summary>The client asks for the server-generated key encrypted (RFC 7030 §4.4.2) and gets it back decrypted, end to end over real TLS.</summary>
public sealed class ServerKeyGenEncryptedClientTests(KeyReceivingServer fixture) : IClassFixture<KeyReceivingServer>
{
    private EstuaryTestServer Server => fixture.Server;

    private EstClient Client(X509Certificate2? identity = null) => new(new EstClientOptionsBuilder
    {
        Server = Server.BaseUri,
        Anchors = [Server.RootCertificate],
        User = identity is null ? Server.EstUsername : null,
        Password = identity is null ? Server.EstPassword : null,
        Identity = identity,
    }.Build());

    [Fact]
    public async Task A_key_encrypted_to_our_RSA_certificate_is_decrypted_and_matches_the_issued_certificate()
    {
        using var rsa = RSA.Create(2048);
        using var basic = Client();
        var enrolled = await basic.SimpleEnrollAsync(CsrBuilder.Build(rsa, new X500DistinguishedName("CN=client-rsa-recipient")));
        using var recipient = enrolled.Certificate.CopyWithPrivateKey(rsa);
        var encryption = ServerKeyEncryption.ToCertificate(recipient);

        using var throwaway = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var generated = await basic.ServerKeyGenAsync(CsrBuilder.Build(throwaway, new X500DistinguishedName("CN=client-enc-rsa"), attributes: [encryption.CsrAttribute]), encryption);

        AssertKeyOf(generated);
        Assert.Equal("CN=client-enc-rsa", generated.Certificate.Subject);
        Assert.NotNull(generated.KeyPackageSigner);
    }

    [Fact]
    public async Task A_key_encrypted_to_our_EC_TLS_client_certificate_is_decrypted()
    {
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP384);
        using var basic = Client();
        var enrolled = await basic.SimpleEnrollAsync(CsrBuilder.Build(ec, new X500DistinguishedName("CN=client-ec-recipient")));
        using var joined = enrolled.Certificate.CopyWithPrivateKey(ec);
        using var identity = X509CertificateLoader.LoadPkcs12(joined.Export(X509ContentType.Pkcs12), null);
        using var tls = Client(identity);
        var encryption = ServerKeyEncryption.ToCertificate(identity);

        using var throwaway = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var generated = await tls.ServerKeyGenAsync(CsrBuilder.Build(throwaway, new X500DistinguishedName("CN=client-enc-ec"), attributes: [encryption.CsrAttribute]), encryption);

        AssertKeyOf(generated);
    }

    [Fact]
    public async Task A_key_under_a_shared_symmetric_key_is_decrypted_and_a_wrong_key_is_a_protocol_error()
    {
        var kek = RandomNumberGenerator.GetBytes(32);
        byte[] keyId = [.. "client-kek"u8];
        Assert.True(await Server.GetRequiredService<ServerKeyProtection>().SetAccountKeyAsync(Server.EstUsername, keyId, kek, "test", default));
        using var client = Client();
        using var throwaway = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var encryption = ServerKeyEncryption.WithSymmetricKey(keyId, kek);
        var generated = await client.ServerKeyGenAsync(CsrBuilder.Build(throwaway, new X500DistinguishedName("CN=client-enc-kek"), attributes: [encryption.CsrAttribute]), encryption);
        AssertKeyOf(generated);

        var wrong = ServerKeyEncryption.WithSymmetricKey(keyId, RandomNumberGenerator.GetBytes(32));
        var e = await Assert.ThrowsAsync<EstClientException>(() => client.ServerKeyGenAsync(CsrBuilder.Build(throwaway, new X500DistinguishedName("CN=client-enc-kek-2"), attributes: [wrong.CsrAttribute]), wrong));
        Assert.Equal(EstClientErrorKind.Protocol, e.Kind);
    }

    [Fact]
    public async Task An_unknown_key_identifier_is_the_servers_400_reason()
    {
        using var client = Client();
        using var throwaway = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var encryption = ServerKeyEncryption.WithSymmetricKey([9, 9, 9], RandomNumberGenerator.GetBytes(16));

        var e = await Assert.ThrowsAsync<EstClientException>(() => client.ServerKeyGenAsync(CsrBuilder.Build(throwaway, new X500DistinguishedName("CN=client-enc-unknown"), attributes: [encryption.CsrAttribute]), encryption));

        Assert.Contains("DecryptKeyIdentifier 090909", e.Message, StringComparison.Ordinal);
    }

    private static void AssertKeyOf(ServerGeneratedKey generated)
    {
        using var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(generated.Pkcs8PrivateKey, out _);
        Assert.Equal(generated.Certificate.PublicKey.ExportSubjectPublicKeyInfo(), key.ExportSubjectPublicKeyInfo());
    }
}
