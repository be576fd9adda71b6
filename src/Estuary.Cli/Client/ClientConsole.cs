using System.CommandLine;
using Estuary.Client;
using Spectre.Console;

namespace Estuary.Cli.Client;

/// <summary>
/// Where a client verb writes: tables for people (Spectre.Console), JSON for scripts, errors on stderr with
/// what to do. Runs the verb and turns failures into the documented exit codes.
/// </summary>
internal sealed class ClientConsole
{
    /// <summary>Tables and lines are laid out to fit this many columns when the output is not a terminal.</summary>
    public const int Width = 80;

    private ClientConsole(ParseResult result, bool json)
    {
        Out = result.InvocationConfiguration.Output;
        Error = result.InvocationConfiguration.Error;
        IsJson = json;
        var redirected = !ReferenceEquals(Out, Console.Out) || Console.IsOutputRedirected;
        Ansi = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
            Interactive = InteractionSupport.No,
        });
        if (redirected)
        {
            // Piped or captured: the classic terminal width, so that tables read the same in a log or an 80-column terminal.
            Ansi.Profile.Width = Width;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool IsJson { get; }

    public IAnsiConsole Ansi { get; }

    public void WriteJson(object value) => Out.WriteLine(CliJson.Serialize(value));

    /// <summary>A line for people, as plain text (not markup: brackets in a DN print as they are); nothing in JSON mode.</summary>
    public void Say(string text)
    {
        if (!IsJson)
        {
            Ansi.WriteLine(text);
        }
    }

    public void Table(Table table)
    {
        if (!IsJson)
        {
            Ansi.Write(table);
        }
    }

    /// <summary>Runs a verb; maps exceptions to exit codes with a message that says what to do.</summary>
    public static async Task<int> RunAsync(ParseResult result, Option<bool> json, string verb, Func<ClientConsole, Task<int>> body)
    {
        var console = new ClientConsole(result, result.GetValue(json));
        try
        {
            return await body(console);
        }
        catch (CliUsageException e)
        {
            return console.Fail(verb, ExitCodes.Usage, "usage", UsageErrors.Plain(e.Message), null);
        }
        catch (CliFailure e)
        {
            return console.Fail(verb, e.ExitCode, e.Kind, e.Message, e.Hint, e.Details);
        }
        catch (EstClientException e)
        {
            return console.Fail(verb, ExitCodes.Of(e.Kind), e.Kind.ToString(), UsageErrors.Plain(e.Message), ExitCodes.Hint(e));
        }
        catch (OperationCanceledException)
        {
            return console.Fail(verb, 130, "cancelled", "cancelled", null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return console.Fail(verb, ExitCodes.Usage, "file", e.Message, "check the paths and permissions of the output files");
        }
    }

    /// <summary>Reports a failure: one line (and a hint) on stderr; with --json also the error document, with <paramref name="details"/> merged in.</summary>
    public int Fail(string verb, int code, string kind, string message, string? hint, IReadOnlyDictionary<string, object?>? details = null)
    {
        Error.WriteLine($"estuary {verb}: {message}");
        if (hint is not null)
        {
            Error.WriteLine($"  hint: {hint}");
        }

        if (IsJson)
        {
            var document = new Dictionary<string, object?> { ["ok"] = false, ["exitCode"] = code, ["error"] = kind, ["message"] = message, ["hint"] = hint };
            foreach (var (key, value) in details ?? new Dictionary<string, object?>())
            {
                document[key] = value;
            }

            WriteJson(document);
        }

        return code;
    }

    /// <summary>For table cells, which Spectre reads as markup.</summary>
    public static string Escape(string text) => Markup.Escape(text);
}
