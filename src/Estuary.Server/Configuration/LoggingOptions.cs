namespace Estuary.Server.Configuration;

/// <summary>How the server writes its log (section "Estuary:Logging").</summary>
public sealed class LoggingOptions
{
    public const string Simple = "simple";
    public const string Json = "json";

    /// <summary>
    /// "simple" (default: one line per entry with a UTC ISO-8601 timestamp) or "json" (the ASP.NET JSON console
    /// formatter, one JSON object per line, for log shippers).
    /// </summary>
    public string Format { get; set; } = Simple;

    public bool IsJson => string.Equals(Format.Trim(), Json, StringComparison.OrdinalIgnoreCase);
}
