using System.CommandLine;
using System.Text.Json;
using Estuary.Client;
using Spectre.Console;

namespace Estuary.Cli.Client;

/// <summary>
/// Where a client verb writes: tables for people (Spectre.Console), JSON for scripts, errors on stderr with
/// what to do. Runs the verb and turns failures into the documented exit codes.
/// </summary>
internal sealed class ClientConsole
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

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
            Ansi.Profile.Width = 240;
        }
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public bool IsJson { get; }

    public IAnsiConsole Ansi { get; }

    public void WriteJson(object value) => Out.WriteLine(JsonSerializer.Serialize(value, JsonOptions));

    /// <summary>A line for people; nothing in JSON mode (scripts read only the JSON document).</summary>
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
            return console.Fail(verb, ExitCodes.Usage, "usage", e.Message, null);
        }
        catch (EstClientException e)
        {
            return console.Fail(verb, ExitCodes.Of(e.Kind), e.Kind.ToString(), e.Message, ExitCodes.Hint(e));
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

    public int Fail(string verb, int code, string kind, string message, string? hint)
    {
        Error.WriteLine($"estuary {verb}: {message}");
        if (hint is not null)
        {
            Error.WriteLine($"  hint: {hint}");
        }

        if (IsJson)
        {
            WriteJson(new { ok = false, exitCode = code, error = kind, message, hint });
        }

        return code;
    }

    public static string Escape(string text) => Markup.Escape(text);
}
