namespace Estuary.Server.Configuration;

/// <summary>Levenshtein distance, case-insensitive: how the closest known key is found for an unknown one.</summary>
internal static class EditDistance
{
    public static int Between(string a, string b)
    {
        a = a.ToUpperInvariant();
        b = b.ToUpperInvariant();
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }

    /// <summary>
    /// The candidate closest to <paramref name="name"/>; one that contains the name (KeyAlgorithm → RootKeyAlgorithm)
    /// or is contained in it comes first; ties go to the first in order.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> candidates) =>
        candidates
            .OrderBy(c => c.Contains(name, StringComparison.OrdinalIgnoreCase) || name.Contains(c, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(c => Between(name, c))
            .ThenBy(c => c, StringComparer.Ordinal)
            .FirstOrDefault();
}
