using System.Data.Common;

namespace Estuary.Server.Configuration;

/// <summary>
/// Which configuration keys hold secrets (passwords, PINs, passphrases, API keys) and how their values are shown:
/// "***", or for a connection string only its password. Used by every path that prints a value.
/// </summary>
public static class SecretKeys
{
    public const string Masked = "***";

    private static readonly string[] SecretSuffixes = ["Password", "Passphrase", "Pin", "ApiKey", "Secret", "Token"];

    /// <summary>True when the last segment of <paramref name="key"/> names a secret (Pin, KeyPassphrase, Password, …).</summary>
    public static bool IsSecret(string key)
    {
        var name = LastSegment(key);
        return SecretSuffixes.Any(s => name.EndsWith(s, StringComparison.OrdinalIgnoreCase)) && !name.Equals("TokenLabel", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The value as it may be printed.</summary>
    public static string Mask(string key, string value)
    {
        if (IsSecret(key))
        {
            return value.Length == 0 ? "" : Masked;
        }

        return LastSegment(key).Equals("ConnectionString", StringComparison.OrdinalIgnoreCase) ? MaskConnectionString(value) : value;
    }

    /// <summary>A connection string with its password replaced by ***; a plain SQLite file path is shown as it is.</summary>
    public static string MaskConnectionString(string value)
    {
        if (!value.Contains('=', StringComparison.Ordinal))
        {
            return value;
        }

        try
        {
            var builder = new DbConnectionStringBuilder { ConnectionString = value };
            foreach (var key in builder.Keys.Cast<string>().ToList())
            {
                if (key.Equals("Password", StringComparison.OrdinalIgnoreCase) || key.Equals("Pwd", StringComparison.OrdinalIgnoreCase))
                {
                    builder[key] = Masked;
                }
            }

            return builder.ConnectionString;
        }
        catch (ArgumentException)
        {
            return Masked; // unparseable: it may hold a password anywhere
        }
    }

    private static string LastSegment(string key) => key[(key.LastIndexOf(':') + 1)..];
}
