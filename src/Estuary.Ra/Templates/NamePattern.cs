namespace Estuary.Ra;

/// <summary>
/// A simple glob for names in templates: '*' matches any run of characters (for DNS names, one label:
/// no dot), everything else matches itself, case-insensitively (DNS and email domains are case-insensitive,
/// RFC 4343). No regular expressions: administrators write these, clients choose the input.
/// A '*' in the pattern never matches a '*' in the name: "*.cameras.example" allows "a.cameras.example",
/// not the wildcard "*.cameras.example" (that takes <see cref="MatchesWildcard"/>, where a template allows wildcards).
/// </summary>
public sealed class NamePattern
{
    private readonly string[] _parts;
    private readonly bool _starCrossesDots;
    private readonly NamePattern? _afterLeadingWildcard;

    public NamePattern(string pattern, bool starCrossesDots)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        Text = pattern.Trim();
        _parts = Text.Split('*');
        _starCrossesDots = starCrossesDots;
        if (Text.Length > 2 && Text.StartsWith("*.", StringComparison.Ordinal))
        {
            _afterLeadingWildcard = new NamePattern(Text[2..], starCrossesDots);
        }
    }

    public string Text { get; }

    public bool Matches(string value)
    {
        if (_parts.Length == 1)
        {
            return string.Equals(value, Text, StringComparison.OrdinalIgnoreCase);
        }

        if (!value.StartsWith(_parts[0], StringComparison.OrdinalIgnoreCase) || !value.EndsWith(_parts[^1], StringComparison.OrdinalIgnoreCase)
            || value.Length < _parts[0].Length + _parts[^1].Length)
        {
            return false;
        }

        return MatchFrom(value, _parts[0].Length, 1, value.Length - _parts[^1].Length);
    }

    /// <summary>
    /// Whether the wildcard name "*.rest" stays inside this pattern: the pattern's leftmost label is '*' and
    /// the rest of it matches "rest", so every name the wildcard covers is one the pattern allows
    /// ("*.cameras.example" allows "*.cameras.example"; "cam-*.cameras.example" does not).
    /// </summary>
    public bool MatchesWildcard(string wildcardName) =>
        wildcardName.Length > 2 && wildcardName.StartsWith("*.", StringComparison.Ordinal)
        && _afterLeadingWildcard is not null && _afterLeadingWildcard.Matches(wildcardName[2..]);

    /// <summary>Matches parts[index..^1] inside value[start..end], each star taking at least one character.</summary>
    private bool MatchFrom(string value, int start, int index, int end)
    {
        if (index == _parts.Length - 1)
        {
            return StarFits(value, start, end);
        }

        var part = _parts[index];
        for (var at = value.IndexOf(part, start + 1, StringComparison.OrdinalIgnoreCase); at >= 0 && at + part.Length <= end; at = value.IndexOf(part, at + 1, StringComparison.OrdinalIgnoreCase))
        {
            if (StarFits(value, start, at) && MatchFrom(value, at + part.Length, index + 1, end))
            {
                return true;
            }
        }

        return false;
    }

    private bool StarFits(string value, int start, int end) =>
        end > start
        && value.AsSpan(start, end - start).IndexOf('*') < 0
        && (_starCrossesDots || value.AsSpan(start, end - start).IndexOf('.') < 0);

    public override string ToString() => Text;
}
