using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// A CA hierarchy beside the main one (Estuary:Ca:Hierarchies:NAME), e.g. ML-DSA: its root, its issuing CA with
/// key, and the folder DATA_DIR/hierarchies/NAME/ that holds them in the same layout as the main CA (root-ca.pem,
/// issuing-ca.pem, encrypted *.key.pem, issuing-previous/ after a renewal).
/// </summary>
public sealed class CaHierarchy : IDisposable
{
    internal CaHierarchy(string name, string directory, X509Certificate2 root, CertificateAuthority issuing, CaOptions options, string passphrase)
    {
        Name = name;
        Directory = directory;
        Root = root;
        Issuing = issuing;
        Options = options;
        Passphrase = passphrase;
    }

    /// <summary>The hierarchy's name, as labels name it (Estuary:Labels:LABEL:Hierarchy).</summary>
    public string Name { get; }

    /// <summary>DATA_DIR/hierarchies/NAME.</summary>
    public string Directory { get; }

    public X509Certificate2 Root { get; }

    /// <summary>The issuing CA; renewed in place like the main one (during a root rollover, the one that signs).</summary>
    public CertificateAuthority Issuing { get; }

    /// <summary>The root rollover of this hierarchy in progress, or null (automatic renewal waits until it is finished).</summary>
    public RootRollover? Rollover { get; init; }

    /// <summary>The hierarchy's settings in the main CA's shape (what <see cref="IssuingCaRenewal"/> takes).</summary>
    public CaOptions Options { get; }

    /// <summary>Unlocks the key files (the main CA's passphrase); never printed or logged.</summary>
    internal string Passphrase { get; }

    /// <summary>Picks up a renewal of this hierarchy's issuing CA written by the CLI or another node.</summary>
    public bool Reload(TimeProvider time) => IssuingCaFolder.Reload(Issuing, Directory, Root, Passphrase, time);

    public void Dispose()
    {
        Issuing.Dispose();
        Root.Dispose();
    }
}
