namespace Estuary.Cli.Backup;

/// <summary>
/// The names inside a backup archive: MANIFEST.json first, then data/… (the data folder, database included) and
/// config/NAME (configuration files). A restore treats every name as hostile input: <see cref="CheckEntryName"/>
/// is the one place that decides whether a name may become a path under the target folder.
/// </summary>
internal static class ArchiveLayout
{
    public const string ManifestEntry = "MANIFEST.json";
    public const string DataPrefix = "data/";
    public const string ConfigPrefix = "config/";

    /// <summary>Where a restore puts the configuration files, inside the restored data folder (owner-only, like the rest).</summary>
    public const string RestoredConfigFolder = "restored-config";

    public const int MaxManifestBytes = 4 * 1024 * 1024;

    private const int MaxNameLength = 1024;

    /// <summary>
    /// Null when <paramref name="name"/> is a relative entry under data/ or config/ without ".", ".." or empty
    /// segments, backslashes or control characters (config/ entries one level deep); otherwise the reason.
    /// </summary>
    public static string? CheckEntryName(string name)
    {
        if (name.Length == 0 || name.Length > MaxNameLength)
        {
            return "an empty or over-long name";
        }

        if (name.StartsWith('/') || Path.IsPathRooted(name))
        {
            return "an absolute path";
        }

        if (name.Any(c => c == '\\' || char.IsControl(c)))
        {
            return "a backslash or control character in the name";
        }

        var segments = name.Split('/');
        if (segments.Any(s => s is "" or "." or ".."))
        {
            return "a path with '..', '.' or an empty segment";
        }

        return segments[0] switch
        {
            "data" when segments.Length >= 2 && segments[1] != RestoredConfigFolder => null,
            "config" when segments.Length == 2 => null,
            _ => "a name outside data/ and config/",
        };
    }

    /// <summary>The file an entry restores to under <paramref name="target"/> (a checked name, see <see cref="CheckEntryName"/>).</summary>
    public static string Destination(string target, string entry)
    {
        var relative = entry.StartsWith(DataPrefix, StringComparison.Ordinal)
            ? entry[DataPrefix.Length..]
            : RestoredConfigFolder + "/" + entry[ConfigPrefix.Length..];
        var full = Path.GetFullPath(Path.Combine(target, relative));
        // Belt and braces: a checked name never leaves the target, but the write must not depend on that reasoning alone.
        if (!full.StartsWith(Path.TrimEndingDirectorySeparator(target) + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new BackupRefusedException($"entry {entry} would be written outside {target}");
        }

        return full;
    }
}
