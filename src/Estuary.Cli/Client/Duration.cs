using System.Globalization;

namespace Estuary.Cli.Client;

/// <summary>Durations as people type them: "90s", "15m", "12h", "1d", or "hh:mm:ss".</summary>
internal static class Duration
{
    public static TimeSpan Parse(string text, string flag)
    {
        var t = text.Trim();
        if (t.Length >= 2 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            switch (char.ToLowerInvariant(t[^1]))
            {
                case 's': return TimeSpan.FromSeconds(n);
                case 'm': return TimeSpan.FromMinutes(n);
                case 'h': return TimeSpan.FromHours(n);
                case 'd': return TimeSpan.FromDays(n);
            }
        }

        if (TimeSpan.TryParse(t, CultureInfo.InvariantCulture, out var span) && span > TimeSpan.Zero)
        {
            return span;
        }

        throw new CliUsageException($"{flag} {text}: expected a duration such as 90s, 15m, 12h or 1d");
    }
}
