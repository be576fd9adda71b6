using System.CommandLine;
using Estuary.Cli.Client;

namespace Estuary.Cli.Tests;

/// <summary>Runs the `estuary` client verbs in-process through a root command, capturing what they print.</summary>
internal static class Cli
{
    public sealed record Result(int ExitCode, string Output, string Error)
    {
        public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Error}";
    }

    public static RootCommand Root(TimeProvider? time = null) => new("estuary (test)")
    {
        CaCertsCommand.Create(),
        CsrAttrsCommand.Create(),
        EnrollCommand.Create(),
        ReenrollCommand.Create(),
        ServerKeyGenCommand.Create(),
        FullCmcCommand.Create(),
        RenewCommand.Create(time),
        DecryptKeysCommand.Create(),
        CompletionCommand.Create(),
    };

    public static async Task<Result> RunAsync(params string[] args) => await RunAtAsync(null, CancellationToken.None, args);

    public static async Task<Result> RunAtAsync(TimeProvider? time, CancellationToken cancellationToken, params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var code = await UsageErrors.InvokeAsync(Root(time), args, new InvocationConfiguration { Output = output, Error = error }, cancellationToken);
        return new Result(code, output.ToString(), error.ToString());
    }
}
