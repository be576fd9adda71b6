namespace Estuary.Ra;

/// <summary>The compiled profile of each CA label, validated at start-up so that bad configuration stops the server, not a request.</summary>
public sealed partial class LabelRegistry
{
    private readonly Dictionary<string, Profile> _profiles = new(StringComparer.Ordinal);

    public LabelRegistry(RaOptions options)
    {
        _fromConfiguration = new HashSet<string>(options.Labels.Keys, StringComparer.Ordinal);
        if (!options.Labels.ContainsKey(RaOptions.DefaultLabel))
        {
            _profiles[RaOptions.DefaultLabel] = Profile.Compile(RaOptions.DefaultLabel, ProfileOptions.DefaultClient());
        }

        foreach (var (label, profile) in options.Labels)
        {
            if (!IsValidLabel(label))
            {
                throw new ArgumentException($"CA label '{label}' must be 1 to 64 characters of letters, digits, '-', '_' or '.'");
            }

            profile.ApplyDefaults();
            _profiles[label] = Profile.Compile(label, profile);
        }
    }

    public IEnumerable<string> Labels => _profiles.Keys.Union(_managed.Keys, StringComparer.Ordinal);

    /// <summary>The profile of a label; an empty label means the default.</summary>
    public Profile? Find(string label) =>
        FindManaged(string.IsNullOrEmpty(label) ? RaOptions.DefaultLabel : label) ?? _profiles.GetValueOrDefault(string.IsNullOrEmpty(label) ? RaOptions.DefaultLabel : label);

    /// <summary>RFC 7030 §3.2.2: a label is one path segment. We keep to a safe alphabet.</summary>
    public static bool IsValidLabel(string label) =>
        label.Length is > 0 and <= 64 && label.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.') && label != "." && label != "..";
}
