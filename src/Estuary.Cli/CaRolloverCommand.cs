using System.CommandLine;
using Estuary.Ca;

namespace Estuary.Cli;

/// <summary>`estuary ca rollover begin|finish`: a root CA key change (RFC 7030 §4.1.3, RFC 4210 §4.4).</summary>
internal static class CaRolloverCommand
{
    public static Command Create()
    {
        var command = new Command("rollover", "Change the root CA key: begin publishes the new root and link certificates, finish retires the old root.");
        var dataDir = CaCommand.DataDirOption();
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rootSubject = new Option<string?>("--root-subject") { Description = "Subject of the new root (default: CN=Estuary [NAME ]Root CA DATE, O=Estuary)" };
        var issuingSubject = new Option<string?>("--issuing-subject") { Description = "Subject of the new issuing CA (default: CN=Estuary [NAME ]Issuing CA DATE, O=Estuary)" };
        var hierarchy = CaCommand.HierarchyOption();
        var begin = new Command("begin", "Create the new root, NewWithOld, OldWithNew and a new issuing CA; /cacerts publishes them on the next start.") { dataDir, rootSubject, issuingSubject, hierarchy };
        begin.SetAction(result => Run("begin", () =>
        {
            var dataDirectory = Path.GetFullPath(result.GetValue(dataDir)!);
            CaCommand.SecureExisting(dataDirectory);
            var name = result.GetValue(hierarchy);
            var (directory, options) = CaCommand.Target(dataDirectory, name);
            // The hierarchy's keys are of its own KeyAlgorithm (e.g. ML-DSA-65): the new root and issuing CA keep it.
            var prefix = string.IsNullOrEmpty(name) ? "Estuary" : $"Estuary {name}";
            RootRollover.Begin(
                directory,
                options,
                result.GetValue(rootSubject) ?? $"CN={prefix} Root CA {stamp}, O=Estuary",
                result.GetValue(issuingSubject) ?? $"CN={prefix} Issuing CA {stamp}, O=Estuary",
                TimeProvider.System);
            Console.WriteLine($"root rollover begun in {directory}: new root {RootRollover.NewRootCertificateFile}, links {RootRollover.NewWithOldFile} and {RootRollover.OldWithNewFile}");
            Console.WriteLine(string.IsNullOrEmpty(name)
                ? "restart the server to publish them in /cacerts; set Estuary:Ca:IssueUnderNewRoot=true to issue under the new root"
                : $"restart the server to publish them in the /cacerts of the labels on '{name}'; set Estuary:Ca:Hierarchies:{name}:IssueUnderNewRoot=true to issue under the new root");
        }));
        var finishDir = CaCommand.DataDirOption();
        var finishHierarchy = CaCommand.HierarchyOption();
        var finish = new Command("finish", "Retire the old root: the new root and issuing CA become the current ones.") { finishDir, finishHierarchy };
        finish.SetAction(result => Run("finish", () =>
        {
            var dataDirectory = Path.GetFullPath(result.GetValue(finishDir)!);
            CaCommand.SecureExisting(dataDirectory);
            var directory = CaCommand.Target(dataDirectory, result.GetValue(finishHierarchy)).Directory;
            var retired = RootRollover.Finish(directory, TimeProvider.System);
            Console.WriteLine($"root rollover finished; the old root, issuing CA and links are in {retired}; restart the server");
        }));
        command.Subcommands.Add(begin);
        command.Subcommands.Add(finish);
        return command;
    }

    private static int Run(string verb, Action action)
    {
        try
        {
            action();
            return 0;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IOException or System.Security.Cryptography.CryptographicException)
        {
            Console.Error.WriteLine($"estuary ca rollover {verb}: {e.Message}");
            return 2;
        }
    }
}
