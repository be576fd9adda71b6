using System.Security.Cryptography.X509Certificates;

namespace Estuary.Testing;

/// <summary>A throwaway folder of PEM files for driving openssl in tests.</summary>
public sealed class PkiFiles : IDisposable
{
    public PkiFiles()
    {
        Directory = Path.Combine(Path.GetTempPath(), "estuary-pki-" + Guid.NewGuid().ToString("N")[..12]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Directory { get; }

    /// <summary>Writes the certificates as PEM into one file and returns its path.</summary>
    public string Certificates(string name, params X509Certificate2[] certificates)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, string.Concat(certificates.Select(c => c.ExportCertificatePem() + "\n")));
        return path;
    }

    /// <summary>Writes a DER CRL as PEM (X509 CRL armour) and returns its path.</summary>
    public string Crl(string name, byte[] der)
    {
        var path = Path.Combine(Directory, name);
        File.WriteAllText(path, new string(System.Security.Cryptography.PemEncoding.Write("X509 CRL", der)) + "\n");
        return path;
    }

    public string File_(string name) => Path.Combine(Directory, name);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
