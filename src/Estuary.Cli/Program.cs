using System.CommandLine;
using Estuary.Cli;
using Estuary.Cli.Client;

var root = new RootCommand("Estuary: an EST (RFC 7030) enrollment server and client.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(ConfigCommand.Create());
root.Subcommands.Add(CaCertsCommand.Create());
root.Subcommands.Add(CsrAttrsCommand.Create());
root.Subcommands.Add(EnrollCommand.Create());
root.Subcommands.Add(ReenrollCommand.Create());
root.Subcommands.Add(ServerKeyGenCommand.Create());
root.Subcommands.Add(FullCmcCommand.Create());
root.Subcommands.Add(RenewCommand.Create());
root.Subcommands.Add(CaCommand.Create());
root.Subcommands.Add(ApprovalsCommand.Create());
root.Subcommands.Add(DbCommand.Create());
root.Subcommands.Add(DecryptKeysCommand.Create());
root.Subcommands.Add(BackupCommand.Create());
root.Subcommands.Add(RestoreCommand.Create());
root.Subcommands.Add(CompletionCommand.Create());
// On SIGTERM or Ctrl+C System.CommandLine cancels the verb's token and, by default, ends the process with 143/130 after
// 2 s. `serve` then stops the host, which lets requests in flight finish for up to its shutdown timeout (30 s): the wait
// must be longer than that, or a stop under load cuts enrollments off mid-request (systemd waits 90 s by default).
var invocation = new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromSeconds(45) };
return await UsageErrors.InvokeAsync(root, args, invocation);
