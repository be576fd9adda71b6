using System.Text.Json;
using System.Text.Json.Nodes;

namespace Estuary.Cli.Backup;

/// <summary>
/// Copies a configuration file into the backup. The PKCS#11 PIN is the one secret that never goes into an archive
/// from a configuration file: whoever holds the archive and the token would hold the CA keys. The copy has
/// Estuary:Ca:Pkcs11:Pin blanked (nested or as a "Estuary:Ca:Pkcs11:Pin" key, any case, as the configuration binder
/// reads both); every other file is copied byte for byte.
/// </summary>
internal static class ConfigurationCopy
{
    private const string PinKey = "Estuary:Ca:Pkcs11:Pin";

    private static readonly JsonDocumentOptions Reading = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };
    private static readonly JsonSerializerOptions Writing = new() { WriteIndented = true };

    /// <summary>Copies <paramref name="source"/> to <paramref name="destination"/>; true when a PIN was removed.</summary>
    public static bool Copy(string source, string destination)
    {
        var bytes = File.ReadAllBytes(source);
        var removed = false;
        try
        {
            if (JsonNode.Parse(bytes, new JsonNodeOptions { PropertyNameCaseInsensitive = true }, Reading) is JsonObject root)
            {
                removed = BlankPin(root, "");
                if (removed)
                {
                    bytes = JsonSerializer.SerializeToUtf8Bytes(root, Writing);
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON the binder could read either; `serve` would refuse it. Copied as it is: there is no PIN to find.
        }

        using var output = StagingFolder.Create(destination);
        output.Write(bytes);
        return removed;
    }

    private static bool BlankPin(JsonObject node, string prefix)
    {
        var removed = false;
        foreach (var (name, value) in node.ToList())
        {
            var key = prefix + name;
            if (value is JsonObject child)
            {
                removed |= BlankPin(child, key + ":");
            }
            else if (string.Equals(key, PinKey, StringComparison.OrdinalIgnoreCase) && value is JsonValue pin && pin.ToString().Length > 0)
            {
                node[name] = "";
                removed = true;
            }
        }

        return removed;
    }
}
