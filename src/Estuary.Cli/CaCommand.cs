using System.CommandLine;
using Estuary.Ca;

namespace Estuary.Cli;

/// <summary>`estuary ca …`: operations on the CA in a data folder (revocation, HSM set-up, root rollover).</summary>
internal static class CaCommand
{
    public static Command Create()
    {
        var command = new Command("ca", "Operate the CA in a data folder.");
        command.Subcommands.Add(CaRevokeCommand.Create());
        command.Subcommands.Add(CaInitCommand.Create());
        command.Subcommands.Add(CaRolloverCommand.Create());
        command.Subcommands.Add(CaIssuingCommand.Create());
        return command;
    }

    /// <summary>The --data-dir option every `ca` verb takes (default Estuary__DataDir, else ./estuary-data).</summary>
    public static Option<string> DataDirOption() => new("--data-dir")
    {
        Description = "Data folder (CA, database). Default $Estuary__DataDir or ./estuary-data",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("Estuary__DataDir") ?? "estuary-data",
    };

    /// <summary>
    /// Tightens a data folder a verb is about to change (0700/0600, umask 077); a missing one is left for the verb to
    /// report ("no CA in …") rather than created empty.
    /// </summary>
    public static void SecureExisting(string directory)
    {
        if (Directory.Exists(directory))
        {
            DataFolder.Secure(directory, Console.Error);
        }
    }
}
