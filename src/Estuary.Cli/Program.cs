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
return await root.Parse(args).InvokeAsync();
