using System.CommandLine;
using System.CommandLine.Help;
using System.Text.RegularExpressions;

namespace Estuary.Cli;

/// <summary>
/// How every verb answers a command line it cannot parse (unknown flag, missing argument, bad value): exit 2
/// with one line that names the problem and the verb's help, not the whole help text; with --json also a JSON
/// error document on stdout, the shape the client verbs use for their errors.
/// </summary>
internal static partial class UsageErrors
{
    public const int ExitCode = 2;

    /// <summary>Parses and runs <paramref name="args"/>; parse errors never reach the verb's action.</summary>
    public static async Task<int> InvokeAsync(RootCommand root, string[] args, InvocationConfiguration? configuration = null, CancellationToken cancellationToken = default)
    {
        var parse = root.Parse(args);
        configuration ??= new InvocationConfiguration();
        if (parse.Errors.Count == 0 || parse.Action is HelpAction)
        {
            return await parse.InvokeAsync(configuration, cancellationToken);
        }

        var verb = VerbOf(parse.CommandResult.Command);
        var message = string.Join("; ", parse.Errors.Select(e => Plain(e.Message)).Distinct());
        var hint = $"run `{verb} --help`";
        if (args.Contains("--json", StringComparer.Ordinal))
        {
            configuration.Output.WriteLine(CliJson.Serialize(new { ok = false, exitCode = ExitCode, error = "usage", message, hint }));
        }

        configuration.Error.WriteLine($"{verb}: {message}; {hint}");
        return ExitCode;
    }

    /// <summary>"estuary fullcmc revoke": the command's path from the root, named as the user types it.</summary>
    private static string VerbOf(Command command)
    {
        var names = new List<string>();
        for (Command? c = command; c is not null; c = c.Parents.OfType<Command>().FirstOrDefault())
        {
            names.Add(c is RootCommand ? "estuary" : c.Name);
        }

        names.Reverse();
        return string.Join(' ', names);
    }

    /// <summary>
    /// A message for people: without .NET's "(Parameter 'text')" suffix, without CLR type names
    /// ("as expected type 'System.Int32'" becomes "(expected a whole number)"), and on one line.
    /// </summary>
    public static string Plain(string message)
    {
        var text = ParameterSuffix().Replace(message, "");
        text = ExpectedType().Replace(text, m => m.Groups[1].Value switch
        {
            "System.Int32" or "System.Int64" or "System.Int16" => " (expected a whole number)",
            "System.Boolean" => " (expected true or false)",
            "System.Double" or "System.Decimal" => " (expected a number)",
            _ => "",
        });
        text = string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.TrimEnd('.');
    }

    [GeneratedRegex(@"\s*\(Parameter '[^']*'\)")]
    private static partial Regex ParameterSuffix();

    [GeneratedRegex(@" as expected type '([\w.`\[\], ]+)'")]
    private static partial Regex ExpectedType();
}
