using System.CommandLine;
using Estuary.Cli;

var root = new RootCommand("Estuary: an EST (RFC 7030) enrollment server and client.");
root.Subcommands.Add(ServeCommand.Create());
root.Subcommands.Add(DbCommand.Create());
return await root.Parse(args).InvokeAsync();
