using System.Collections.Frozen;

namespace Estuary.Ra;

/// <summary>
/// Labels served by managed templates, replaced as a whole when an administrator changes one, so a request
/// sees either the old set or the new one and no restart is needed. Labels declared in configuration stay
/// and cannot be taken over; the built-in default (when configuration declares none) can.
/// </summary>
public sealed partial class LabelRegistry
{
    private readonly HashSet<string> _fromConfiguration;
    private volatile FrozenDictionary<string, Profile> _managed = FrozenDictionary<string, Profile>.Empty;

    /// <summary>True when configuration declares this label (read-only in the console).</summary>
    public bool IsFromConfiguration(string label) => _fromConfiguration.Contains(label);

    /// <summary>Labels that only configuration or the built-in default serve (no template).</summary>
    public IEnumerable<string> StaticLabels => _profiles.Keys.Where(l => !_managed.ContainsKey(l));

    /// <summary>The profile a template compiled for this label, if any.</summary>
    public Profile? FindManaged(string label) => _managed.GetValueOrDefault(label);

    /// <summary>The profile configuration (or the built-in default) gives this label, ignoring templates.</summary>
    public Profile? FindStatic(string label) => _profiles.GetValueOrDefault(label);

    /// <summary>Publishes a new set of template profiles at once.</summary>
    /// <exception cref="ArgumentException">A profile claims a label that configuration declares.</exception>
    public void ReplaceManaged(IEnumerable<Profile> profiles)
    {
        var map = new Dictionary<string, Profile>(StringComparer.Ordinal);
        foreach (var profile in profiles)
        {
            if (_fromConfiguration.Contains(profile.Label))
            {
                throw new ArgumentException($"label '{profile.Label}' is declared in configuration and cannot be served by a template");
            }

            if (!map.TryAdd(profile.Label, profile))
            {
                throw new ArgumentException($"label '{profile.Label}' is served by two templates");
            }
        }

        _managed = map.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
