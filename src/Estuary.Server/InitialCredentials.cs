using System.Text.Json;
using System.Text.Json.Nodes;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Storage;

namespace Estuary.Server;

/// <summary>
/// First-run accounts: a bootstrap EST account whose password is printed once and written to
/// DATA_DIR/initial-credentials.json (mode 0600), as Jenkins does; storage keeps only its hash.
/// </summary>
public static class InitialCredentials
{
    public const string FileName = "initial-credentials.json";
    public const string EstUsername = "est";

    /// <summary>Creates the bootstrap EST account when the store has none; returns its password when created.</summary>
    public static async Task<string?> EnsureEstAccountAsync(string dataDir, IEstuaryStore store, PasswordHasher hasher, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await store.FindAccountAsync(EstUsername, cancellationToken) is not null)
        {
            return null;
        }

        var password = PasswordHasher.GeneratePassword();
        var account = new EstAccount { Username = EstUsername, PasswordHash = hasher.Hash(password), Enabled = true, CreatedAt = time.GetUtcNow() };
        if (!await store.InsertAccountAsync(account, cancellationToken))
        {
            return null;
        }

        await store.AppendAuditAsync(new AuditEvent(time.GetUtcNow(), "account.created", "system", $"bootstrap EST account '{EstUsername}'"), cancellationToken);
        Write(dataDir, "est", EstUsername, password);
        return password;
    }

    /// <summary>
    /// Prints a new account's password on a terminal only; when output is redirected (a journal, a CI log, a pipe)
    /// it names the 0600 file that holds it, so the password is not kept wherever that output goes.
    /// </summary>
    public static void Print(TextWriter console, string account, string password, string dataDir, bool consoleIsTerminal)
    {
        var file = Path.Combine(dataDir, FileName);
        if (consoleIsTerminal)
        {
            console.WriteLine($"{account}, password {password}");
            console.WriteLine($"                 (shown once; also in {file}, mode 0600)");
        }
        else
        {
            console.WriteLine($"{account}, password in {file} (mode 0600; not printed: output is not a terminal)");
        }
    }

    /// <summary>Adds or replaces one entry ("est", later "admin") of the credentials file.</summary>
    public static void Write(string dataDir, string entry, string username, string password)
    {
        var path = Path.Combine(dataDir, FileName);
        var root = File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path)) as JsonObject ?? [] : [];
        root[entry] = new JsonObject { ["username"] = username, ["password"] = password };
        SecureFile.WriteAllText(path, root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }
}
