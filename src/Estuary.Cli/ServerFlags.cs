using System.CommandLine;

namespace Estuary.Cli;

/// <summary>The flags `estuary serve` and `estuary config check` share, and the configuration keys they set.</summary>
internal sealed class ServerFlags
{
    public Option<string?> DataDir { get; } = new("--data-dir") { Description = "Data folder (CA, TLS identity, database). Default ./estuary-data; key Estuary:DataDir" };

    public Option<string?> Listen { get; } = new("--listen") { Description = "https://HOST:PORT to listen on. Default https://127.0.0.1:8443; key Estuary:Listen" };

    public Option<string?> AdminListen { get; } = new("--admin-listen") { Description = "https://HOST:PORT for the admin console, REST API and /metrics. Default https://127.0.0.1:8444; key Estuary:Admin:Listen" };

    public Option<string?> Config { get; } = new("--config") { Description = "A JSON configuration file (same keys as appsettings.json)" };

    public void AddTo(Command command)
    {
        command.Options.Add(DataDir);
        command.Options.Add(Listen);
        command.Options.Add(AdminListen);
        command.Options.Add(Config);
    }

    /// <summary>The flags given, as configuration keys (they win over every other source).</summary>
    public Dictionary<string, string?> Overrides(ParseResult result)
    {
        var overrides = new Dictionary<string, string?>();
        foreach (var (option, key) in new[] { (DataDir, "Estuary:DataDir"), (Listen, "Estuary:Listen"), (AdminListen, "Estuary:Admin:Listen") })
        {
            if (result.GetValue(option) is { } value)
            {
                overrides[key] = value;
            }
        }

        return overrides;
    }
}
