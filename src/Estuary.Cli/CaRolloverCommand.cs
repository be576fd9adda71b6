using System.CommandLine;
using Estuary.Ca;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>`estuary ca rollover begin|finish`: a root CA key change (RFC 7030 §4.1.3, RFC 4210 §4.4).</summary>
internal static class CaRolloverCommand
{
    public static Command Create()
    {
        var command = new Command("rollover", "Change the root CA key: begin publishes the new root and link certificates, finish retires the old root.");
        var dataDir = CaCommand.DataDirOption();
        var stamp = DateTime.UtcNow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var rootSubject = new Option<string>("--root-subject") { Description = "Subject of the new root", DefaultValueFactory = _ => $"CN=Estuary Root CA {stamp}, O=Estuary" };
        var issuingSubject = new Option<string>("--issuing-subject") { Description = "Subject of the new issuing CA", DefaultValueFactory = _ => $"CN=Estuary Issuing CA {stamp}, O=Estuary" };
        var begin = new Command("begin", "Create the new root, NewWithOld, OldWithNew and a new issuing CA; /cacerts publishes them on the next start.") { dataDir, rootSubject, issuingSubject };
        begin.SetAction(result => Run("begin", () =>
        {
            var options = new CaOptions();
            new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Estuary:Ca").Bind(options);
            var directory = Path.GetFullPath(result.GetValue(dataDir)!);
            CaCommand.SecureExisting(directory);
            RootRollover.Begin(directory, options, result.GetValue(rootSubject)!, result.GetValue(issuingSubject)!, TimeProvider.System);
            Console.WriteLine($"root rollover begun in {directory}: new root {RootRollover.NewRootCertificateFile}, links {RootRollover.NewWithOldFile} and {RootRollover.OldWithNewFile}");
            Console.WriteLine("restart the server to publish them in /cacerts; set Estuary:Ca:IssueUnderNewRoot=true to issue under the new root");
        }));
        var finishDir = CaCommand.DataDirOption();
        var finish = new Command("finish", "Retire the old root: the new root and issuing CA become the current ones.") { finishDir };
        finish.SetAction(result => Run("finish", () =>
        {
            var directory = Path.GetFullPath(result.GetValue(finishDir)!);
            CaCommand.SecureExisting(directory);
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
