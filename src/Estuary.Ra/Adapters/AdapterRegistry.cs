using System.Collections.Frozen;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Estuary.Ra;

/// <summary>
/// The upstream EST adapters in service, by name: those declared in configuration (Estuary:Adapters:NAME,
/// read-only, checked at start-up so bad configuration stops the server) and those managed in the console
/// or API, replaced as a whole on every change so a request sees the old set or the new one, without a restart.
/// </summary>
public sealed class AdapterRegistry
{
    private readonly FrozenDictionary<string, UpstreamEstAdapter> _configured;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private volatile FrozenDictionary<string, UpstreamEstAdapter> _managed = FrozenDictionary<string, UpstreamEstAdapter>.Empty;
    private volatile IReadOnlyList<string> _managedNames = [];

    /// <exception cref="ArgumentException">A configured adapter that cannot work, named with every problem.</exception>
    public AdapterRegistry(RaOptions options, TimeProvider time, ILogger<AdapterRegistry>? logger = null)
    {
        _time = time;
        _logger = logger ?? NullLogger<AdapterRegistry>.Instance;
        var configured = new Dictionary<string, UpstreamEstAdapter>(StringComparer.Ordinal);
        foreach (var (name, definition) in options.Adapters)
        {
            definition.Name = name;
            definition.ProtectedPassword = null; // configuration gives the password itself (from a secret store or the environment)
            var problems = AdapterValidator.Validate(definition, definition.HasPassword);
            if (problems.Count > 0)
            {
                throw new ArgumentException($"Estuary:Adapters:{name}: {string.Join("; ", problems)}");
            }

            configured[name] = Create(definition, definition.Password);
        }

        _configured = configured.ToFrozenDictionary(StringComparer.Ordinal);
    }

    /// <summary>Every adapter name a template may use: the built-in CA first.</summary>
    public IReadOnlyCollection<string> Names =>
        [TemplateCompiler.BuiltinAdapter, .. _configured.Keys.Order(StringComparer.Ordinal), .. _managedNames.Where(k => !_configured.ContainsKey(k)).Order(StringComparer.Ordinal)];

    /// <summary>Adapters declared in configuration.</summary>
    public IEnumerable<UpstreamEstAdapter> Configured => _configured.Values.OrderBy(a => a.Name, StringComparer.Ordinal);

    public bool IsFromConfiguration(string name) => _configured.ContainsKey(name);

    /// <summary>The upstream adapter of that name; null for the built-in CA or an unknown name.</summary>
    public UpstreamEstAdapter? Find(string name) => _configured.GetValueOrDefault(name) ?? _managed.GetValueOrDefault(name);

    /// <summary>A runtime adapter for a definition; <paramref name="password"/> is the clear password, kept only in memory.</summary>
    public UpstreamEstAdapter Create(AdapterDefinition definition, string? password)
    {
        var shown = AdapterService.WithoutSecrets(definition);
        return new UpstreamEstAdapter(shown, password, _time, _logger);
    }

    /// <summary>
    /// Publishes the managed adapters at once. <paramref name="names"/> also counts stored adapters that cannot
    /// serve now (their templates stay, and answer 503 naming the adapter, until it is repaired). Replaced
    /// adapters are not disposed: a request in flight may still use one; their idle connections close by themselves.
    /// </summary>
    public void ReplaceManaged(IEnumerable<UpstreamEstAdapter> adapters, IEnumerable<string> names)
    {
        _managedNames = names.ToList();
        _managed = adapters.Where(a => !_configured.ContainsKey(a.Name)).ToFrozenDictionary(a => a.Name, StringComparer.Ordinal);
    }
}
