using Xunit;

namespace Estuary.Ca.Tests;

public sealed class CaDirectoryTests
{
    [Fact]
    public void A_configured_passphrase_is_used_and_no_passphrase_file_is_written()
    {
        var dir = Directory.CreateTempSubdirectory("estuary-cadir").FullName;
        var options = new CaOptions { KeyPassphrase = "correct horse battery staple", RootKeyAlgorithm = "P-256", IssuingKeyAlgorithm = "RSA-2048" };

        using (var first = CaDirectory.LoadOrCreate(dir, options, TimeProvider.System))
        {
            Assert.True(first.Created);
            Assert.False(File.Exists(Path.Combine(dir, CaDirectory.PassphraseFile)));
            Assert.Equal("RSA", first.Issuing.Certificate.PublicKey.Oid.FriendlyName);
        }

        using var second = CaDirectory.LoadOrCreate(dir, options, TimeProvider.System);
        Assert.False(second.Created);
        Assert.Throws<System.Security.Cryptography.CryptographicException>(
            () => CaDirectory.LoadKey(Path.Combine(dir, CaDirectory.IssuingKeyFile), "wrong passphrase"));
    }

    [Fact]
    public void The_TLS_certificate_names_localhost_and_both_loopback_addresses_and_extra_hostnames()
    {
        var dir = Directory.CreateTempSubdirectory("estuary-cadir").FullName;
        var options = new CaOptions();
        options.TlsHostnames.Add("est.example.net");

        using var material = CaDirectory.LoadOrCreate(dir, options, TimeProvider.System);

        Assert.True(material.TlsCertificate.HasPrivateKey);
        foreach (var name in new[] { "localhost", "127.0.0.1", "::1", "est.example.net" })
        {
            Assert.True(material.TlsCertificate.MatchesHostname(name), name);
        }
    }

    [Fact]
    public void Unknown_key_algorithms_are_refused_with_the_allowed_names()
    {
        var e = Assert.Throws<ArgumentException>(() => KeyAlgorithm.Parse("DSA-1024"));
        Assert.Contains("P-256", e.Message, StringComparison.Ordinal);
    }
}
