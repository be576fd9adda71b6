using System.CommandLine;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;

namespace Estuary.Cli;

/// <summary>
/// `estuary ca issuing renew|list`: a new issuing CA under the same root before the current one expires. Running
/// servers on the data folder take it up within Estuary:Ca:IssuingCheckInterval, without a restart; the replaced CA
/// keeps signing CRLs and OCSP answers until its certificate expires. Settings (key algorithm, lifetime, PKCS#11)
/// come from Estuary__Ca__* environment variables, as for `serve`.
/// </summary>
internal static class CaIssuingCommand
{
    public static Command Create()
    {
        var command = new Command("issuing", "Renew the issuing CA under the same root, or list the issuing CAs in use.");
        var dataDir = CaCommand.DataDirOption();
        var subject = new Option<string?>("--subject") { Description = "Subject of the new issuing CA (default: the current one with the next ' G<n>' suffix)" };
        var hierarchy = CaCommand.HierarchyOption();
        var renew = new Command("renew", "Create a new issuing CA key and certificate under the same root; servers take it up without a restart.") { dataDir, subject, hierarchy };
        renew.SetAction(result =>
        {
            try
            {
                var dataDirectory = Path.GetFullPath(result.GetValue(dataDir)!);
                CaCommand.SecureExisting(dataDirectory);
                var (directory, options) = CaCommand.Target(dataDirectory, result.GetValue(hierarchy));
                using var issued = IssuingCaRenewal.Renew(directory, options, result.GetValue(subject), TimeProvider.System)!;
                Console.WriteLine($"renewed the issuing CA in {directory}");
                Console.WriteLine($"  new issuing CA  {issued.Subject}, key {KeyIdentifier(issued)}, valid until {issued.NotAfter.ToUniversalTime():yyyy-MM-dd}");
                Console.WriteLine($"  previous        kept in {IssuingCaFolder.PreviousFolder}/ for CRLs and OCSP until it expires");
                Console.WriteLine($"  running servers issue under it within {options.IssuingCheckInterval.TotalSeconds:0} s (Estuary:Ca:IssuingCheckInterval)");
                return 0;
            }
            catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or System.Security.Cryptography.CryptographicException)
            {
                Console.Error.WriteLine("estuary ca issuing renew: " + e.Message);
                return 2;
            }
        });
        var listDir = CaCommand.DataDirOption();
        var listHierarchy = CaCommand.HierarchyOption();
        var list = new Command("list", "List the current issuing CA and the previous ones still kept for revocation.") { listDir, listHierarchy };
        list.SetAction(result =>
        {
            string directory;
            try
            {
                directory = CaCommand.Target(Path.GetFullPath(result.GetValue(listDir)!), result.GetValue(listHierarchy)).Directory;
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine("estuary ca issuing list: " + e.Message);
                return 2;
            }

            var path = Path.Combine(directory, CaDirectory.IssuingCertificateFile);
            if (!File.Exists(path))
            {
                Console.Error.WriteLine($"estuary ca issuing list: no CA in {directory}");
                return 2;
            }

            using var current = X509Certificate2.CreateFromPem(File.ReadAllText(path));
            Print("current ", current);
            foreach (var previous in IssuingCaFolder.PreviousCertificates(directory, DateTimeOffset.UtcNow))
            {
                Print("previous", previous);
                previous.Dispose();
            }

            return 0;
        });
        command.Subcommands.Add(renew);
        command.Subcommands.Add(list);
        return command;
    }

    private static void Print(string role, X509Certificate2 certificate) =>
        Console.WriteLine($"{role}  {certificate.Subject}  key {KeyIdentifier(certificate)}  valid until {certificate.NotAfter.ToUniversalTime():yyyy-MM-dd}");

    private static string KeyIdentifier(X509Certificate2 certificate) =>
        Convert.ToHexString(CertificateWriter.KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo()));
}
