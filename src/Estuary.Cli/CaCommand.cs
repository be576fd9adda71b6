using System.CommandLine;
using Estuary.Ca;
using Microsoft.Extensions.Configuration;

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

    /// <summary>The --hierarchy option of the verbs that also work on a further hierarchy (Estuary:Ca:Hierarchies:NAME).</summary>
    public static Option<string?> HierarchyOption() => new("--hierarchy")
    {
        Description = "A further CA hierarchy (Estuary:Ca:Hierarchies:NAME, e.g. ML-DSA) instead of the main CA",
    };

    /// <summary>The Estuary:Ca settings from Estuary__Ca__* environment variables, as `serve` reads them.</summary>
    public static CaOptions Options()
    {
        var options = new CaOptions();
        new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection("Estuary:Ca").Bind(options);
        return options;
    }

    /// <summary>
    /// The folder and settings a verb works on: the main CA in <paramref name="dataDirectory"/>, or hierarchy
    /// <paramref name="hierarchy"/> in DATA_DIR/hierarchies/NAME with its own settings and the main CA's passphrase.
    /// </summary>
    /// <exception cref="ArgumentException">The hierarchy is not configured (the message names those that are).</exception>
    public static (string Directory, CaOptions Options) Target(string dataDirectory, string? hierarchy)
    {
        var options = Options();
        return string.IsNullOrEmpty(hierarchy) ? (dataDirectory, options) : CaHierarchies.Find(dataDirectory, options, hierarchy);
    }

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
