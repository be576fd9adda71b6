using System.CommandLine;
using Estuary.Server.Configuration;

namespace Estuary.Cli;

/// <summary>
/// `estuary config check`: the configuration `estuary serve` would run with, every key with its value and source
/// (secrets masked), then the problems the start-up check would stop on; exit 0 when there are none, else 2.
/// Nothing is written: no data folder, CA or database.
/// </summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var flags = new ServerFlags();
        var check = new Command("check", "Print the effective configuration (secrets masked) and every problem in it; exit 2 when there are problems.");
        flags.AddTo(check);
        check.SetAction(async (result, cancellationToken) =>
        {
            var output = result.InvocationConfiguration.Output;
            var error = result.InvocationConfiguration.Error;
            var problems = new List<ConfigurationProblem>();
            var configuration = EstuaryConfiguration.Load(result.GetValue(flags.Config), flags.Overrides(result), problems);
            problems.AddRange(await ConfigurationCheck.RunAsync(configuration, starting: false, cancellationToken));

            var settings = EffectiveConfiguration.Of(configuration);
            var width = settings.Max(s => s.Key.Length);
            await output.WriteLineAsync("Effective configuration (secrets shown as ***):");
            foreach (var setting in settings)
            {
                await output.WriteLineAsync($"  {setting.Key.PadRight(width)}  {setting.Value}   ({setting.Source})");
            }

            foreach (var problem in problems)
            {
                await error.WriteLineAsync("estuary config check: " + problem);
            }

            await output.WriteLineAsync(problems.Count == 0 ? "No problems found." : $"{problems.Count} problem(s) found.");
            return problems.Count == 0 ? 0 : 2;
        });
        return new Command("config", "Check the server configuration.") { check };
    }
}
