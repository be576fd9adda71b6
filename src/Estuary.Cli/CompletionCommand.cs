using System.CommandLine;

namespace Estuary.Cli;

/// <summary>
/// `estuary completion bash|zsh`: prints a shell completion script. The script asks the program itself through
/// System.CommandLine's `[suggest:POSITION]` directive, so completions always match the installed version's
/// verbs and flags; nothing is generated or installed elsewhere.
/// </summary>
internal static class CompletionCommand
{
    public static Command Create()
    {
        var shell = new Argument<string>("SHELL") { Description = "bash or zsh" };
        shell.AcceptOnlyFromAmong("bash", "zsh");
        var command = new Command("completion", "Print a shell completion script: `source <(estuary completion bash)` in ~/.bashrc, or the zsh one in ~/.zshrc.") { shell };
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.Write(result.GetValue(shell) == "zsh" ? Zsh : Bash);
            return 0;
        });
        return command;
    }

    // COMP_LINE and COMP_POINT hold the whole line and the cursor; the directive returns one candidate per line,
    // which compgen filters by the word being completed. -o default falls back to file names (for --out-dir …).
    private const string Bash = """
        # estuary completion for bash. Load with: source <(estuary completion bash)
        _estuary_complete()
        {
            local cur="${COMP_WORDS[COMP_CWORD]}" IFS=$'\n'
            local candidates
            candidates=$("${COMP_WORDS[0]}" "[suggest:${COMP_POINT}]" "${COMP_LINE}" 2>/dev/null)
            COMPREPLY=($(compgen -W "${candidates}" -- "${cur}"))
        }
        complete -o default -F _estuary_complete estuary

        """;

    // BUFFER and CURSOR are zsh's whole line and cursor position.
    private const string Zsh = """
        #compdef estuary
        # estuary completion for zsh. Load with: source <(estuary completion zsh)
        _estuary() {
            local -a candidates
            candidates=("${(@f)$(${words[1]} "[suggest:${CURSOR}]" "${BUFFER}" 2>/dev/null)}")
            compadd -a candidates
        }
        if (( $+functions[compdef] )); then
            compdef _estuary estuary
        fi

        """;
}
