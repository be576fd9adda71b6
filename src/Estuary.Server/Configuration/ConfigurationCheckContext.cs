using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>What the rules share: the configuration, whether the server is starting, and the problems found so far.</summary>
internal sealed class ConfigurationCheckContext(IConfiguration configuration, bool starting)
{
    public IConfiguration Configuration { get; } = configuration;

    /// <summary>True under `estuary serve` (ports are tried), false under `estuary config check`.</summary>
    public bool Starting { get; } = starting;

    public List<ConfigurationProblem> Problems { get; } = [];

    /// <summary>Keys whose value the binder cannot read (a word where a number belongs): sections holding one are not bound.</summary>
    private readonly List<string> _unreadable = [];

    public void Add(string key, string? value, string message) => Problems.Add(new ConfigurationProblem(key, value, message));

    /// <summary>Reports a value the binder would throw on, and keeps its section from being bound by later rules.</summary>
    public void AddUnreadable(string key, string? value, string message)
    {
        _unreadable.Add(key);
        Add(key, value, message);
    }

    /// <summary>True when <paramref name="key"/> or a key under it holds a value the binder cannot read.</summary>
    public bool HasUnreadableAt(string key) =>
        _unreadable.Any(k => k.Equals(key, StringComparison.OrdinalIgnoreCase) || k.StartsWith(key + ":", StringComparison.OrdinalIgnoreCase));

    /// <summary>The value of <paramref name="key"/>, or the options class's default when no source sets it.</summary>
    public string? Value(string key, string? fallback) => Configuration[key] ?? fallback;

    /// <summary>A section bound to <typeparamref name="T"/>; null when an earlier rule refused a value in it.</summary>
    public T? Bind<T>(string key)
        where T : class, new()
    {
        if (HasUnreadableAt(key))
        {
            return null;
        }

        var options = new T();
        try
        {
            Configuration.GetSection(key).Bind(options);
            return options;
        }
        catch (InvalidOperationException e)
        {
            AddUnreadable(key, null, e.Message);
            return null;
        }
    }
}
