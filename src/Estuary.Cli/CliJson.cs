using System.Text.Encodings.Web;
using System.Text.Json;

namespace Estuary.Cli;

/// <summary>
/// The one way the `estuary` command writes JSON: indented, camelCase, and without needless escapes (a DN's
/// `+` stays `+`, not `\u002B`). The output is read by scripts and people, never embedded in HTML, so the
/// relaxed encoder's HTML-safety trade-off does not apply.
/// </summary>
internal static class CliJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);
}
