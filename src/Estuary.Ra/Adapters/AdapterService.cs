using System.Security.Cryptography;
using System.Text.Json;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>
/// Creates, changes and deletes upstream EST adapters: validates, encrypts the password, stores with an audit
/// event (never with a secret in it) and republishes the adapters, so a change applies to the next request.
/// Adapters declared in configuration are listed but read-only; an adapter a template uses cannot be deleted.
/// </summary>
public sealed partial class AdapterService : IDisposable
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };
    private readonly IManagementStore _store;
    private readonly AdapterRegistry _registry;
    private readonly TemplateService _templates;
    private readonly IAdapterSecretProtector _protector;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _changes = new(1, 1);
    private volatile IReadOnlyList<ManagedAdapter> _stored = [];
    private volatile IReadOnlyDictionary<string, string> _protectedPasswords = new Dictionary<string, string>();

    public AdapterService(IManagementStore store, AdapterRegistry registry, TemplateService templates, IAdapterSecretProtector protector, TimeProvider time, ILogger<AdapterService> logger)
    {
        _store = store;
        _registry = registry;
        _templates = templates;
        _protector = protector;
        _time = time;
        _logger = logger;
    }

    public void Dispose() => _changes.Dispose();

    /// <summary>Configured adapters first, then the managed ones, by name; never with a password.</summary>
    public IReadOnlyList<ManagedAdapter> Adapters =>
        [.. _registry.Configured.Select(a => new ManagedAdapter(a.Definition, HasPassword(a.Definition), true, null, null)),
         .. _stored.Where(s => !_registry.IsFromConfiguration(s.Definition.Name))];

    public ManagedAdapter? Find(string name) => Adapters.FirstOrDefault(a => a.Definition.Name == name);

    /// <summary>Names of the templates that issue through an adapter.</summary>
    public IReadOnlyList<string> UsedBy(string name) =>
        _templates.Templates.Where(t => t.Definition.Adapter == name).Select(t => t.Definition.Name).Order(StringComparer.Ordinal).ToList();

    /// <summary>Reads every stored adapter and publishes them; one that no longer works is skipped and logged.</summary>
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

    /// <summary>Creates (when <paramref name="create"/>) or replaces an adapter. Returns the problems; empty means saved and in force.</summary>
    public async Task<IReadOnlyList<string>> SaveAsync(AdapterDefinition adapter, bool create, string actor, CancellationToken cancellationToken)
    {
        Trim(adapter);
        await _changes.WaitAsync(cancellationToken);
        try
        {
            var problems = new List<string>();
            var existing = _stored.FirstOrDefault(s => s.Definition.Name == adapter.Name);
            if (_registry.IsFromConfiguration(adapter.Name))
            {
                problems.Add($"adapter '{adapter.Name}' is declared in configuration (read-only); change it there");
            }
            else if (create && (existing is not null || adapter.Name == TemplateCompiler.BuiltinAdapter))
            {
                problems.Add($"an adapter named '{adapter.Name}' already exists");
            }
            else if (!create && existing is null)
            {
                problems.Add($"no adapter named '{adapter.Name}'");
            }

            // A password left empty on an edit keeps the saved one; a client never sets the stored ciphertext.
            var password = string.IsNullOrEmpty(adapter.Password) ? null : adapter.Password;
            var protectedPassword = password is not null || existing is null ? null : _protectedPasswords.GetValueOrDefault(adapter.Name);
            if (string.IsNullOrWhiteSpace(adapter.Username))
            {
                password = null;
                protectedPassword = null;
            }

            adapter.ProtectedPassword = null;
            problems.AddRange(AdapterValidator.Validate(adapter, password is not null || protectedPassword is not null));
            if (problems.Count > 0)
            {
                return problems;
            }

            if (password is not null)
            {
                protectedPassword = _protector.Protect(password);
            }

            var stored = WithoutSecrets(adapter);
            stored.ProtectedPassword = protectedPassword;
            var shown = JsonSerializer.Serialize(WithoutSecrets(adapter), Json);
            var now = _time.GetUtcNow();
            await _store.UpsertAdapterAsync(
                new StoredDefinition(adapter.Name, JsonSerializer.Serialize(stored, Json), now, actor),
                new AuditEvent(now, create ? "adapter.created" : "adapter.updated", actor, $"adapter '{adapter.Name}' (password {(protectedPassword is null ? "none" : password is null ? "kept" : "set")}): {shown}"),
                cancellationToken);
            await ReloadAsync(cancellationToken);
            LogChanged(_logger, adapter.Name, actor);
            return [];
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>Deletes an adapter no template uses. Returns the problem, or null when deleted.</summary>
    public async Task<string?> DeleteAsync(string name, string actor, CancellationToken cancellationToken)
    {
        await _changes.WaitAsync(cancellationToken);
        try
        {
            if (_registry.IsFromConfiguration(name))
            {
                return $"adapter '{name}' is declared in configuration (read-only); remove it there";
            }

            if (_stored.All(s => s.Definition.Name != name))
            {
                return $"no adapter named '{name}'";
            }

            if (UsedBy(name) is { Count: > 0 } users)
            {
                return $"adapter '{name}' is in use by template(s) {string.Join(", ", users.Select(u => $"'{u}'"))}; point them at another adapter first";
            }

            await _store.DeleteAdapterAsync(name, new AuditEvent(_time.GetUtcNow(), "adapter.deleted", actor, $"adapter '{name}'"), cancellationToken);
            await ReloadAsync(cancellationToken);
            LogChanged(_logger, name, actor);
            return null;
        }
        finally
        {
            _changes.Release();
        }
    }

    /// <summary>A copy without the password or its ciphertext: what is shown, audited and given to the runtime adapter.</summary>
    public static AdapterDefinition WithoutSecrets(AdapterDefinition adapter)
    {
        var copy = JsonSerializer.Deserialize<AdapterDefinition>(JsonSerializer.Serialize(adapter, Json), Json)!;
        copy.Password = null;
        copy.ProtectedPassword = null;
        return copy;
    }

    private static bool HasPassword(AdapterDefinition shown) => !string.IsNullOrWhiteSpace(shown.Username);

    private static void Trim(AdapterDefinition adapter)
    {
        // Form and JSON binding may leave a field null despite its type.
        adapter.Name = adapter.Name?.Trim() ?? "";
        adapter.Description = adapter.Description?.Trim() ?? "";
        adapter.Kind = string.IsNullOrWhiteSpace(adapter.Kind) ? AdapterDefinition.UpstreamEst : adapter.Kind.Trim();
        adapter.BaseUrl = adapter.BaseUrl?.Trim() ?? "";
        adapter.Label = string.IsNullOrWhiteSpace(adapter.Label) ? null : adapter.Label.Trim();
        adapter.TrustAnchorPem = string.IsNullOrWhiteSpace(adapter.TrustAnchorPem) ? null : adapter.TrustAnchorPem.Trim() + "\n";
        adapter.TrustAnchorFingerprint = string.IsNullOrWhiteSpace(adapter.TrustAnchorFingerprint) ? null : adapter.TrustAnchorFingerprint.Trim();
        adapter.Username = string.IsNullOrWhiteSpace(adapter.Username) ? null : adapter.Username.Trim();
        adapter.ClientCertificatePath = string.IsNullOrWhiteSpace(adapter.ClientCertificatePath) ? null : adapter.ClientCertificatePath.Trim();
        adapter.ClientKeyPath = string.IsNullOrWhiteSpace(adapter.ClientKeyPath) ? null : adapter.ClientKeyPath.Trim();
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        var stored = await _store.ListAdaptersAsync(cancellationToken);
        var shown = new List<ManagedAdapter>();
        var protectedPasswords = new Dictionary<string, string>(StringComparer.Ordinal);
        var running = new List<UpstreamEstAdapter>();
        foreach (var s in stored)
        {
            AdapterDefinition? definition;
            try
            {
                definition = JsonSerializer.Deserialize<AdapterDefinition>(s.Json, Json);
            }
            catch (JsonException e)
            {
                LogSkipped(_logger, s.Name, e.Message);
                continue;
            }

            if (definition is null || _registry.IsFromConfiguration(definition.Name))
            {
                continue;
            }

            string? password = null;
            try
            {
                password = definition.ProtectedPassword is { } p ? _protector.Unprotect(p) : null;
            }
            catch (CryptographicException)
            {
                LogSkipped(_logger, s.Name, "its password cannot be decrypted with this server's data-protection keys; enter it again");
            }

            var problems = AdapterValidator.Validate(definition, password is not null);
            // Kept (and shown) even when it cannot serve, so that an administrator can repair it.
            shown.Add(new ManagedAdapter(WithoutSecrets(definition), definition.ProtectedPassword is not null, false, s.UpdatedAt, s.UpdatedBy));
            if (definition.ProtectedPassword is { } kept)
            {
                protectedPasswords[definition.Name] = kept;
            }

            if (problems.Count > 0)
            {
                LogSkipped(_logger, s.Name, string.Join("; ", problems));
                continue;
            }

            running.Add(_registry.Create(definition, password));
        }

        _registry.ReplaceManaged(running, shown.Select(a => a.Definition.Name));
        _protectedPasswords = protectedPasswords;
        _stored = shown.OrderBy(a => a.Definition.Name, StringComparer.Ordinal).ToList();
    }

    [LoggerMessage(EventId = EstuaryEventId.AdapterChanged, Level = LogLevel.Information, Message = "adapter {Name} changed by {Actor}; adapters republished")]
    private static partial void LogChanged(ILogger logger, string name, string actor);

    [LoggerMessage(EventId = EstuaryEventId.AdapterSkipped, Level = LogLevel.Error, Message = "stored adapter {Name} is not served: {Reason}")]
    private static partial void LogSkipped(ILogger logger, string name, string reason);
}
