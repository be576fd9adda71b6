using System.Text.Json;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Creates, changes and deletes certificate templates: validates, stores with an audit event, and
/// republishes the label set so the change applies to the next request, without a restart.
/// </summary>
public sealed partial class TemplateService : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private readonly IManagementStore _store;
    private readonly LabelRegistry _labels;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly AdapterRegistry? _adapters;
    private readonly IssuerHierarchies? _hierarchies;
    private volatile IReadOnlyList<ManagedTemplate> _templates = [];

    public TemplateService(IManagementStore store, LabelRegistry labels, TimeProvider time, ILogger<TemplateService> logger, AdapterRegistry? adapters = null, IssuerHierarchies? hierarchies = null)
    {
        _hierarchies = hierarchies;
        _store = store;
        _labels = labels;
        _time = time;
        _logger = logger;
        _adapters = adapters;
    }

    public void Dispose() => _changes.Dispose();

    /// <summary>The built-in adapter only; <see cref="AdapterNames"/> lists the upstream EST adapters too.</summary>
    public static IReadOnlyCollection<string> Adapters { get; } = [TemplateCompiler.BuiltinAdapter];

    /// <summary>Adapters a template may name now: the built-in CA and every upstream EST adapter in service.</summary>
    public IReadOnlyCollection<string> AdapterNames => _adapters?.Names ?? Adapters;

    /// <summary>The further CA hierarchies a template may issue under (Estuary:Ca:Hierarchies); "default" is the main CA.</summary>
    public IReadOnlyCollection<string> HierarchyNames => _hierarchies?.Names ?? [];

    public IReadOnlyList<ManagedTemplate> Templates => _templates;

    public ManagedTemplate? Find(string name) => _templates.FirstOrDefault(t => t.Definition.Name == name);

    /// <summary>The template serving a label, if any.</summary>
    public ManagedTemplate? FindByLabel(string label) => _templates.FirstOrDefault(t => t.Definition.Labels.Contains(label));

    /// <summary>Reads every stored template and publishes them; a stored template that no longer compiles is skipped and logged.</summary>
    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            await ReloadAsync(cancellationToken);
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Creates (when <paramref name="create"/>) or replaces a template. Returns the problems; empty means saved and in force.</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(TemplateDefinition template, bool create, string actor, CancellationToken cancellationToken)
    {
        var (_, problems) = TemplateCompiler.Compile(template, AdapterNames, HierarchyNames);
        var all = problems.ToList();
        all.AddRange(UpstreamProblems(template));
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var existing = _templates.FirstOrDefault(t => t.Definition.Name == template.Name);
            if (create && existing is not null)
            {
                all.Add($"a template named '{template.Name}' already exists");
            }
            else if (!create && existing is null)
            {
                all.Add($"no template named '{template.Name}'");
            }

            foreach (var label in template.Labels.Select(l => l.Trim()).Where(l => l.Length > 0))
            {
                if (_labels.IsFromConfiguration(label))
                {
                    all.Add($"label '{label}' is declared in configuration (read-only); choose another label");
                }
                else if (_templates.FirstOrDefault(t => t.Definition.Name != template.Name && t.Definition.Labels.Contains(label)) is { } other)
                {
                    all.Add($"label '{label}' is already served by template '{other.Definition.Name}'");
                }
            }

            if (all.Count > 0)
            {
                return all;
            }

            template.Labels = template.Labels.Select(l => l.Trim()).Where(l => l.Length > 0).Distinct(StringComparer.Ordinal).ToList();
            var json = JsonSerializer.Serialize(template, Json);
            var now = _time.GetUtcNow();
            await _store.UpsertTemplateAsync(
                new StoredDefinition(template.Name, json, now, actor),
                new AuditEvent(now, create ? "template.created" : "template.updated", actor, $"template '{template.Name}': {json}"),
                cancellationToken);
            await ReloadAsync(cancellationToken);
            LogChanged(_logger, template.Name, actor);
            return [];
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Deletes a template that has issued nothing. Returns the problem, or null when deleted.</summary>
    public async Task<string?> DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (_templates.FirstOrDefault(t => t.Definition.Name == name) is not { } existing)
            {
                return $"no template named '{name}'";
            }

            var issued = await _store.CountCertificatesForLabelsAsync([.. existing.Definition.Labels], cancellationToken);
            if (issued > 0)
            {
                return $"template '{name}' is in use: {issued} certificate(s) were issued on its labels";
            }

            await _store.DeleteTemplateAsync(name, new AuditEvent(_time.GetUtcNow(), "template.deleted", actor, $"template '{name}'"), cancellationToken);
            await ReloadAsync(cancellationToken);
            LogChanged(_logger, name, actor);
            return null;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>
    /// What a template that issues through an upstream EST adapter cannot ask for: the upstream would have to
    /// generate the key (§4.4), and approval holds requests here while the upstream has its own (§4.2.3).
    /// </summary>
    private static IEnumerable<string> UpstreamProblems(TemplateDefinition template)
    {
        if (template.Adapter == TemplateCompiler.BuiltinAdapter)
        {
            yield break;
        }

        if (template.ServerKeyGeneration)
        {
            yield return $"ServerKeyGeneration: not available with upstream EST adapter '{template.Adapter}' (only the built-in CA generates keys)";
        }

        if (template.RequireApproval)
        {
            yield return $"RequireApproval: not available with upstream EST adapter '{template.Adapter}'; the upstream's own approval (202) reaches the client";
        }
    }

    /// <summary>A deep copy through JSON, for forms that edit a template without touching the one in force.</summary>
    public static TemplateDefinition Copy(TemplateDefinition template) =>
        JsonSerializer.Deserialize<TemplateDefinition>(JsonSerializer.Serialize(template, Json), Json)!;

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListTemplatesAsync(cancellationToken);
        var templates = new List<ManagedTemplate>();
        var profiles = new List<Profile>();
        var taken = new HashSet<string>(StringComparer.Ordinal);
        foreach (var s in stored)
        {
            TemplateDefinition? definition;
            try
            {
                definition = JsonSerializer.Deserialize<TemplateDefinition>(s.Json, Json);
            }
            catch (JsonException e)
            {
                LogSkipped(_logger, s.Name, e.Message);
                continue;
            }

            if (definition is null)
            {
                continue;
            }

            var (compiled, problems) = TemplateCompiler.Compile(definition, AdapterNames, HierarchyNames);
            var clash = compiled.FirstOrDefault(p => _labels.IsFromConfiguration(p.Label) || taken.Contains(p.Label));
            if (problems.Count > 0 || clash is not null)
            {
                LogSkipped(_logger, s.Name, problems.Count > 0 ? string.Join("; ", problems) : $"label '{clash!.Label}' is taken");
                continue;
            }

            taken.UnionWith(compiled.Select(p => p.Label));
            profiles.AddRange(compiled);
            templates.Add(new ManagedTemplate(definition, s.UpdatedAt, s.UpdatedBy));
        }

        _labels.ReplaceManaged(profiles);
        _templates = templates;
    }

    [LoggerMessage(EventId = EstuaryEventId.TemplateChanged, Level = LogLevel.Information, Message = "template {Name} changed by {Actor}; labels republished")]
    private static partial void LogChanged(ILogger logger, string name, string actor);

    [LoggerMessage(EventId = EstuaryEventId.TemplateSkipped, Level = LogLevel.Error, Message = "stored template {Name} is not served: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string name, string reason);
}
