using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// The CA files in the data folder: created on first run, reused on every later start. Private keys
/// are only ever written encrypted (PKCS#8 EncryptedPrivateKeyInfo, RFC 5958 §3).
/// </summary>
public static class CaDirectory
{
    public const string RootCertificateFile = "root-ca.pem";
    public const string RootKeyFile = "root-ca.key.pem";
    public const string IssuingCertificateFile = "issuing-ca.pem";
    public const string IssuingKeyFile = "issuing-ca.key.pem";
    public const string TlsCertificateFile = "tls-server.pem";
    public const string TlsKeyFile = "tls-server.key.pem";
    public const string PassphraseFile = "ca-key.passphrase";

    private static readonly PbeParameters KeyEncryption = new(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000);

    public static CaMaterial LoadOrCreate(string dataDirectory, CaOptions options, TimeProvider time)
    {
        SecureFile.CreateDirectory(dataDirectory);
        var passphrase = ResolvePassphrase(dataDirectory, options, out var passphraseSource);
        var rootPath = Path.Combine(dataDirectory, RootCertificateFile);
        var created = false;
        var token = options.UsesPkcs11 ? Pkcs11Token.Open(options.Pkcs11) : null;
        if (!File.Exists(rootPath))
        {
            if (token is not null)
            {
                Pkcs11Hierarchy.Create(dataDirectory, options, token, time);
            }
            else
            {
                CreateHierarchy(dataDirectory, options, passphrase, time);
            }

            created = true;
        }

        var root = X509Certificate2.CreateFromPem(File.ReadAllText(rootPath));
        var issuingCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(dataDirectory, IssuingCertificateFile)));
        CaSigningKey issuingSigner;
        if (token is not null)
        {
            // The CA signs inside the token; the issuing key object owns the session from here on.
            issuingSigner = token.Find(IssuingCaFolder.CurrentKeyLabel(dataDirectory, options), ownsToken: true);
        }
        else
        {
            var issuingKey = LoadKey(Path.Combine(dataDirectory, IssuingKeyFile), passphrase);
            var algorithm = issuingKey is ECDsa ec ? HashForKeySize(ec.KeySize) : HashAlgorithmName.SHA256;
            issuingSigner = new SoftwareSigningKey(issuingKey, algorithm);
        }

        var issuing = new CertificateAuthority(issuingCertificate, [root], issuingSigner);
        // Issuing CAs a renewal replaced keep signing CRLs and OCSP answers for what they issued.
        issuing.SetPrevious(IssuingCaFolder.LoadPrevious(dataDirectory, passphrase, root, token, [], time.GetUtcNow()));
        var tls = LoadOrIssueTlsCertificate(dataDirectory, options, passphrase, issuing, time);
        var raSigning = RaSigningIdentity.LoadOrCreate(dataDirectory, passphrase, issuing, time);
        // RFC 7030 §4.1.3: during a root rollover the new hierarchy is published beside the current one, and
        // certificates are issued under it once configured to (the TLS identity stays on the current chain).
        var rollover = RootRollover.Load(dataDirectory, passphrase);
        var active = rollover?.Publish(issuing, root, options.IssueUnderNewRoot) ?? issuing;

        // Further hierarchies (e.g. ML-DSA) are created on the first start that names them, each in its own folder.
        var hierarchies = CaHierarchies.LoadOrCreate(dataDirectory, options, passphrase, time);
        return new CaMaterial
        {
            Hierarchies = hierarchies,
            RaSigningCertificate = raSigning,
            Issuing = active,
            TlsIssuer = issuing.Certificate,
            Rollover = rollover,
            Root = root,
            TlsCertificate = tls,
            Created = created,
            RootCertificatePath = rootPath,
            PassphraseSource = passphraseSource,
            KeyPassphrase = passphrase,
            DataDirectory = dataDirectory,
        };
    }

    private static HashAlgorithmName HashForKeySize(int bits) => bits switch
    {
        >= 521 => HashAlgorithmName.SHA512,
        >= 384 => HashAlgorithmName.SHA384,
        _ => HashAlgorithmName.SHA256,
    };

    internal static string ResolvePassphrase(string dataDirectory, CaOptions options, out string source)
    {
        if (!string.IsNullOrEmpty(options.KeyPassphrase))
        {
            source = "configuration (Estuary:Ca:KeyPassphrase)";
            return options.KeyPassphrase;
        }

        var path = Path.Combine(dataDirectory, PassphraseFile);
        source = path + " (generated, mode 0600)";
        if (File.Exists(path))
        {
            return File.ReadAllText(path).Trim();
        }

        var generated = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        SecureFile.WriteAllText(path, generated + "\n");
        return generated;
    }

    private static void CreateHierarchy(string dir, CaOptions options, string passphrase, TimeProvider time)
    {
        var now = time.GetUtcNow();
        var rootAlgorithm = KeyAlgorithm.Parse(options.RootKeyAlgorithm);
        var issuingAlgorithm = KeyAlgorithm.Parse(options.IssuingKeyAlgorithm);
        using var rootKey = rootAlgorithm.Generate();
        using var issuingKey = issuingAlgorithm.Generate();

        var rootRequest = CaRequest(new X500DistinguishedName(options.RootSubject), rootKey, rootAlgorithm.Hash, pathLength: null);
        using var root = rootRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(options.RootValidityDays));

        var issuingRequest = CaRequest(new X500DistinguishedName(options.IssuingSubject), issuingKey, rootAlgorithm.Hash, pathLength: 0);
        issuingRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(root, includeKeyIdentifier: true, includeIssuerAndSerial: false));
        using var rootSigner = new SoftwareSigningKey(rootKey, rootAlgorithm.Hash);
        using var issuing = issuingRequest.Create(
            root.SubjectName,
            rootSigner.CreateSignatureGenerator(),
            now.AddMinutes(-5),
            now.AddDays(Math.Min(options.IssuingValidityDays, options.RootValidityDays - 1)),
            SerialNumber.Next());

        WriteKey(Path.Combine(dir, RootKeyFile), rootKey, passphrase);
        WriteKey(Path.Combine(dir, IssuingKeyFile), issuingKey, passphrase);
        SecureFile.WriteAllText(Path.Combine(dir, IssuingCertificateFile), issuing.ExportCertificatePem() + "\n");
        // The root certificate is written last: its presence marks a complete hierarchy.
        SecureFile.WriteAllText(Path.Combine(dir, RootCertificateFile), root.ExportCertificatePem() + "\n");
    }

    private static CertificateRequest CaRequest(X500DistinguishedName subject, AsymmetricAlgorithm key, HashAlgorithmName hash, int? pathLength)
    {
        var request = key switch
        {
            ECDsa ec => new CertificateRequest(subject, ec, hash),
            RSA rsa => new CertificateRequest(subject, rsa, hash, RSASignaturePadding.Pkcs1),
            _ => throw new ArgumentException("unsupported key", nameof(key)),
        };
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, pathLength.HasValue, pathLength ?? 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign | X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request;
    }

    private static X509Certificate2 LoadOrIssueTlsCertificate(string dir, CaOptions options, string passphrase, CertificateAuthority issuing, TimeProvider time)
    {
        var certPath = Path.Combine(dir, TlsCertificateFile);
        var keyPath = Path.Combine(dir, TlsKeyFile);
        var hostnames = new List<string> { "localhost", "127.0.0.1", "::1" };
        hostnames.AddRange(options.TlsHostnames.Where(h => !hostnames.Contains(h, StringComparer.OrdinalIgnoreCase)));
        if (File.Exists(certPath) && File.Exists(keyPath))
        {
            var existing = X509Certificate2.CreateFromEncryptedPemFile(certPath, passphrase, keyPath);
            var fresh = existing.NotAfter.ToUniversalTime() > time.GetUtcNow().AddDays(30).UtcDateTime;
            var sameIssuer = existing.IssuerName.RawData.AsSpan().SequenceEqual(issuing.Certificate.SubjectName.RawData);
            if (fresh && sameIssuer && hostnames.All(h => existing.MatchesHostname(h)))
            {
                return existing;
            }

            existing.Dispose();
        }

        var now = time.GetUtcNow();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + hostnames[0] + ", O=Estuary"), key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        foreach (var h in hostnames)
        {
            if (IPAddress.TryParse(h, out var ip))
            {
                san.AddIpAddress(ip);
            }
            else
            {
                san.AddDnsName(h);
            }
        }

        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new System.Security.Cryptography.Oid(Protocol.Asn1.Oids.ServerAuth)], false));
        request.CertificateExtensions.Add(san.Build());
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(issuing.Certificate, true, false));
        var notAfter = now.AddDays(397) < issuing.Certificate.NotAfter ? now.AddDays(397) : new DateTimeOffset(issuing.Certificate.NotAfter.ToUniversalTime());
        using var certificate = request.Create(issuing.Certificate.SubjectName, issuing.SigningKey.CreateSignatureGenerator(), now.AddMinutes(-5), notAfter, SerialNumber.Next());
        WriteKey(keyPath, key, passphrase);
        SecureFile.WriteAllText(certPath, certificate.ExportCertificatePem() + "\n" + issuing.Certificate.ExportCertificatePem() + "\n");
        return X509Certificate2.CreateFromEncryptedPemFile(certPath, passphrase, keyPath);
    }

    internal static void WriteKey(string path, AsymmetricAlgorithm key, string passphrase) =>
        SecureFile.WriteAllText(path, key.ExportEncryptedPkcs8PrivateKeyPem(passphrase, KeyEncryption) + "\n");

    /// <summary>Loads an encrypted PKCS#8 PEM key (ECDSA or RSA).</summary>
    public static AsymmetricAlgorithm LoadKey(string path, string passphrase)
    {
        var pem = File.ReadAllText(path);
        var ec = ECDsa.Create();
        try
        {
            ec.ImportFromEncryptedPem(pem, passphrase);
            return ec;
        }
        catch (CryptographicException)
        {
            ec.Dispose();
        }

        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromEncryptedPem(pem, passphrase);
            return rsa;
        }
        catch (CryptographicException e)
        {
            rsa.Dispose();
            throw new CryptographicException($"cannot decrypt {path}: wrong passphrase or not an ECDSA/RSA key", e);
        }
    }
}
