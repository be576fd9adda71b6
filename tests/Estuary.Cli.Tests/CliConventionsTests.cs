using System.Text.Json;
using Estuary.Protocol;
using Estuary.Testing;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// Issue #14 item 2: usage errors are one line with a hint and exit 2 (JSON with --json), JSON without needless
/// escapes, shell completion, output within 80 columns, and HTTP Basic sent with the first request.
/// </summary>
public sealed class CliConventionsTests
{
    [Theory]
    [InlineData("enroll --bogus", "estuary enroll: Unrecognized command or argument '--bogus'; run `estuary enroll --help`")]
    [InlineData("enroll --cn x --timeout soon", "estuary enroll: Cannot parse argument 'soon' for option '--timeout' (expected a whole number); run `estuary enroll --help`")]
    [InlineData("approvals reject 3", "estuary approvals reject: Option '--reason' is required; run `estuary approvals reject --help`")]
    [InlineData("fullcmc revoke --nope", "estuary fullcmc revoke: Unrecognized command or argument '--nope'; run `estuary fullcmc revoke --help`")]
    public async Task A_usage_error_is_one_line_with_a_hint_and_exit_2(string arguments, string expected)
    {
        var (code, output) = await EstuaryCli.RunAsync(arguments);

        Assert.Equal(2, code);
        Assert.Equal(expected, output.Trim());
    }

    [Fact]
    public async Task A_usage_error_with_json_is_a_json_document_without_needless_escapes()
    {
        var r = await Cli.RunAsync("enroll", "--json", "--bogus+1");

        Assert.Equal(2, r.ExitCode);
        using var json = JsonDocument.Parse(r.Output);
        Assert.False(json.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(2, json.RootElement.GetProperty("exitCode").GetInt32());
        Assert.Equal("usage", json.RootElement.GetProperty("error").GetString());
        Assert.Equal("run `estuary enroll --help`", json.RootElement.GetProperty("hint").GetString());
        Assert.Contains("'--bogus+1'", r.Output, StringComparison.Ordinal); // not \u0027--bogus\u002B1\u0027
        Assert.Single(r.Error.Trim().Split('\n'));
    }

    [Fact]
    public async Task Messages_do_not_leak_parameter_names_or_type_names()
    {
        var r = await Cli.RunAsync("enroll", "--server", "https://127.0.0.1:1", "--cn", "x", "--key-type", "DSA-1024");

        Assert.Equal(2, r.ExitCode);
        Assert.Equal("estuary enroll: --key-type: unknown key type 'DSA-1024': use P-256, P-384, P-521, RSA-2048, RSA-3072, RSA-4096, ML-DSA-44, ML-DSA-65 or ML-DSA-87", r.Error.Trim());
    }

    [Fact]
    public async Task The_bash_completion_script_sources_cleanly_and_completes_verbs()
    {
        using var dir = new TempDir();
        // The script calls the program by the name the user typed, as an installed `estuary` would be.
        File.WriteAllText(dir["estuary"], $"#!/bin/sh\nexec dotnet \"{EstuaryCli.DllPath}\" \"$@\"\n");
        File.SetUnixFileMode(dir["estuary"], UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(dir["complete.sh"], """
            set -eu
            source <(estuary completion bash)
            complete -p estuary
            COMP_WORDS=(estuary en); COMP_CWORD=1; COMP_LINE="estuary en"; COMP_POINT=10
            _estuary_complete
            printf 'verb:%s\n' "${COMPREPLY[@]}"
            COMP_WORDS=(estuary enroll --out); COMP_CWORD=2; COMP_LINE="estuary enroll --out"; COMP_POINT=20
            _estuary_complete
            printf 'flag:%s\n' "${COMPREPLY[@]}"
            """);
        var path = dir.Path + ":" + Environment.GetEnvironmentVariable("PATH");

        var (code, output) = await Processes.RunAsync("bash", dir["complete.sh"], new Dictionary<string, string> { ["PATH"] = path });

        Assert.True(code == 0, output);
        Assert.Contains("complete -o default -F _estuary_complete estuary", output, StringComparison.Ordinal);
        Assert.Equal(["verb:enroll"], output.Split('\n').Where(l => l.StartsWith("verb:", StringComparison.Ordinal)));
        Assert.Contains("flag:--out-dir", output.Split('\n'));
    }

    [Fact]
    public async Task The_zsh_completion_script_asks_the_program_through_the_suggest_directive()
    {
        var r = await Cli.RunAsync("completion", "zsh");

        Assert.Equal(0, r.ExitCode);
        Assert.StartsWith("#compdef estuary", r.Output, StringComparison.Ordinal);
        Assert.Contains("[suggest:${CURSOR}]", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_credentials_go_with_the_first_request_when_the_user_gave_them()
    {
        using var dir = new TempDir();
        var unauthenticated = 0;
        await using var scripted = await ScriptedEstServer.StartAsync(async (context, _, self) =>
        {
            if (context.Request.Path.Value!.EndsWith("/simpleenroll", StringComparison.Ordinal) && !context.Request.Headers.Authorization.ToString().StartsWith("Basic ", StringComparison.Ordinal))
            {
                Interlocked.Increment(ref unauthenticated);
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Basic realm=\"est\"";
                return;
            }

            switch (context.Request.Path.Value)
            {
                case "/.well-known/est/csrattrs":
                    context.Response.StatusCode = 204;
                    break;
                case "/.well-known/est/cacerts":
                    await ScriptedEstServer.WriteAsync(context, EstMediaTypes.CertsOnly, EstBase64.Encode(CertsOnly.Encode([self.Ca.RawData]), Base64Layout.SingleLine));
                    break;
                default:
                    await ScriptedEstServer.WriteAsync(context, EstMediaTypes.CertsOnly, self.Issue(await ScriptedEstServer.ReadCsrAsync(context)));
                    break;
            }
        });
        File.WriteAllText(dir["ca.pem"], scripted.Ca.ExportCertificatePem());

        var r = await Cli.RunAsync("enroll", "--server", scripted.BaseUri.GetLeftPart(UriPartial.Authority), "--cacert", dir["ca.pem"], "--user", "u", "--password", "p", "--cn", "eager", "--out-dir", dir["out"]);

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(0, unauthenticated);
        Assert.Equal(3, scripted.Requests); // csrattrs, cacerts, simpleenroll: no 401 round trip
    }
}
