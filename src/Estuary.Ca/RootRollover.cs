using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// A root CA key change as RFC 4210 §4.4 models it and RFC 7030 §4.1.3 publishes it: a new self-signed root
/// (NewWithNew), NewWithOld (the new public key signed by the old key, for clients that trust only the old
/// root) and OldWithNew (the old public key signed by the new key, for clients that already trust only the
/// new root), and a new issuing CA under the new root. File keys only; an HSM-held root is not rolled here.
/// </summary>
public sealed class RootRollover : IDisposable
{
    public const string NewRootCertificateFile = "root-ca-new.pem";
    public const string NewRootKeyFile = "root-ca-new.key.pem";
    public const string NewIssuingCertificateFile = "issuing-ca-new.pem";
    public const string NewIssuingKeyFile = "issuing-ca-new.key.pem";
    public const string NewWithOldFile = "root-link-newwithold.pem";
    public const string OldWithNewFile = "root-link-oldwithnew.pem";
    public const string RetiredFolder = "retired";

    private RootRollover(X509Certificate2 newRoot, X509Certificate2 newWithOld, X509Certificate2 oldWithNew, CertificateAuthority newIssuing)
    {
        NewRoot = newRoot;
        NewWithOld = newWithOld;
        OldWithNew = oldWithNew;
        NewIssuing = newIssuing;
    }

    public X509Certificate2 NewRoot { get; }

    public X509Certificate2 NewWithOld { get; }

    public X509Certificate2 OldWithNew { get; }

    /// <summary>The issuing CA under the new root.</summary>
    public CertificateAuthority NewIssuing { get; }

    /// <summary>The rollover in progress in the data folder, or null.</summary>
    public static RootRollover? Load(string dataDirectory, string passphrase)
    {
        string F(string name) => Path.Combine(dataDirectory, name);
        if (!File.Exists(F(NewRootCertificateFile)))
        {
            return null;
        }

        var newRoot = X509Certificate2.CreateFromPem(File.ReadAllText(F(NewRootCertificateFile)));
        // Any family the key files hold: ECDSA, RSA, or ML-DSA for a further hierarchy (Estuary:Ca:Hierarchies).
        var issuingKey = CaKeyFiles.Load(F(NewIssuingKeyFile), passphrase);
        var issuingCertificate = X509Certificate2.CreateFromPem(File.ReadAllText(F(NewIssuingCertificateFile)));
        var issuing = new CertificateAuthority(issuingCertificate, [newRoot], issuingKey);
        return new RootRollover(
            newRoot,
            X509Certificate2.CreateFromPem(File.ReadAllText(F(NewWithOldFile))),
            X509Certificate2.CreateFromPem(File.ReadAllText(F(OldWithNewFile))),
            issuing);
    }

    /// <summary>
    /// Puts a rollover in progress to work beside <paramref name="issuing"/> (of <paramref name="root"/>), the same way
    /// for the main CA and for a further hierarchy. RFC 7030 §4.1.3: the new root and both links are published beside
    /// the current chain; with <paramref name="issueUnderNewRoot"/> the new issuing CA signs from now on, and the old
    /// one stays its <see cref="CertificateAuthority.Predecessor"/> (its certificates still authenticate, and get CRLs
    /// and OCSP answers from their own issuer). Returns the issuing CA that signs; disposes the one not used.
    /// </summary>
    public CertificateAuthority Publish(CertificateAuthority issuing, X509Certificate2 root, bool issueUnderNewRoot)
    {
        if (!issueUnderNewRoot)
        {
            issuing.RolloverCertificates = [NewRoot, NewWithOld, OldWithNew];
            NewIssuing.Dispose();
            return issuing;
        }

        NewIssuing.RolloverCertificates = [root, NewWithOld, OldWithNew, issuing.Certificate];
        NewIssuing.Predecessor = issuing;
        return NewIssuing;
    }

    /// <summary>`estuary ca rollover begin`: creates the new root, both link certificates and a new issuing CA.</summary>
    /// <exception cref="InvalidOperationException">No CA, a rollover already in progress, or HSM-held keys.</exception>
    public static void Begin(string dataDirectory, CaOptions options, string newRootSubject, string newIssuingSubject, TimeProvider time)
    {
        string F(string name) => Path.Combine(dataDirectory, name);
        if (!File.Exists(F(CaDirectory.RootCertificateFile)))
        {
            throw new InvalidOperationException($"no CA in {dataDirectory}");
        }

        if (File.Exists(F(NewRootCertificateFile)))
        {
            throw new InvalidOperationException("a root rollover is already in progress (finish it first)");
        }

        if (!File.Exists(F(CaDirectory.RootKeyFile)))
        {
            throw new InvalidOperationException("the root key is not in the data folder (PKCS#11): rollover of HSM-held roots is not supported yet");
        }

        var passphrase = CaDirectory.ResolvePassphrase(dataDirectory, options, out _);
        using var oldRoot = X509Certificate2.CreateFromPem(File.ReadAllText(F(CaDirectory.RootCertificateFile)));
        // Whatever family the old root is (ECDSA, RSA, ML-DSA): NewWithOld is signed with the old root's own algorithm.
        using var oldKey = CaKeyFiles.Load(F(CaDirectory.RootKeyFile), passphrase);
        using var newRootKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.RootKeyAlgorithm));
        using var newIssuingKey = CaKeyFiles.Generate(KeyAlgorithm.Parse(options.IssuingKeyAlgorithm));

        var now = time.GetUtcNow();
        var oldNotBefore = new DateTimeOffset(oldRoot.NotBefore.ToUniversalTime());
        var oldNotAfter = new DateTimeOffset(oldRoot.NotAfter.ToUniversalTime());
        var newName = new X500DistinguishedName(newRootSubject);
        var (newRoot, newIssuing) = CaPair.Create(newName, newRootKey, new X500DistinguishedName(newIssuingSubject), newIssuingKey, options, now);
        using (newRoot)
        using (newIssuing)
        {
            var newPublic = CaCertificates.PublicKeyOf(newRootKey);
            // RFC 4210 §4.4: NewWithOld lives as long as the old root; OldWithNew covers the old key's remaining life.
            using var newWithOld = CaCertificates.Create(newName, newPublic, oldRoot.SubjectName, oldKey, oldRoot, null, now.AddMinutes(-5), oldNotAfter);
            using var oldWithNew = CaCertificates.Create(oldRoot.SubjectName, oldRoot.PublicKey, newName, newRootKey, newRoot, null, oldNotBefore, oldNotAfter);

            // The new root last: its presence marks a complete rollover set.
            CaPair.Write(dataDirectory, CaPair.RolloverNew, newRootKey, newIssuingKey, newRoot, newIssuing, passphrase, (NewWithOldFile, newWithOld), (OldWithNewFile, oldWithNew));
        }
    }

    /// <summary>
    /// `estuary ca rollover finish`: the new root and issuing CA become the current ones; the old root, its
    /// issuing CA and the link certificates move to DIR/retired/TIMESTAMP/. The TLS and OCSP certificates are
    /// reissued under the new chain on the next start.
    /// </summary>
    public static string Finish(string dataDirectory, TimeProvider time)
    {
        string F(string name) => Path.Combine(dataDirectory, name);
        if (!File.Exists(F(NewRootCertificateFile)))
        {
            throw new InvalidOperationException("no root rollover in progress (run `estuary ca rollover begin` first)");
        }

        var retired = Path.Combine(dataDirectory, RetiredFolder, time.GetUtcNow().ToString("yyyyMMddTHHmmssZ", System.Globalization.CultureInfo.InvariantCulture));
        SecureFile.CreateDirectory(retired);
        foreach (var name in new[] { CaDirectory.RootCertificateFile, CaDirectory.RootKeyFile, CaDirectory.IssuingCertificateFile, CaDirectory.IssuingKeyFile, NewWithOldFile, OldWithNewFile, OcspSigningIdentity.CertificateFile, OcspSigningIdentity.KeyFile })
        {
            if (File.Exists(F(name)))
            {
                File.Move(F(name), Path.Combine(retired, name));
            }
        }

        // Issuing CAs a renewal replaced belong to the old root: they retire with it.
        if (Directory.Exists(F(IssuingCaFolder.PreviousFolder)))
        {
            Directory.Move(F(IssuingCaFolder.PreviousFolder), Path.Combine(retired, IssuingCaFolder.PreviousFolder));
        }

        File.Move(F(NewIssuingKeyFile), F(CaDirectory.IssuingKeyFile));
        File.Move(F(NewIssuingCertificateFile), F(CaDirectory.IssuingCertificateFile));
        File.Move(F(NewRootKeyFile), F(CaDirectory.RootKeyFile));
        File.Move(F(NewRootCertificateFile), F(CaDirectory.RootCertificateFile));
        return retired;
    }

    public void Dispose()
    {
        NewIssuing.Dispose();
        NewRoot.Dispose();
        NewWithOld.Dispose();
        OldWithNew.Dispose();
    }
}
