using System.CommandLine;
using System.Security.Cryptography;
using System.Text;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Server;
using Estuary.Storage;

namespace Estuary.Cli;

/// <summary>
/// `estuary decrypt-keys set --account NAME --key-id HEX --key-file FILE`: provisions the symmetric key an EST account
/// names with DecryptKeyIdentifier to get its server-generated keys back under AES key wrap (RFC 7030 §4.4.1.1,
/// §4.4.2 kekri). The key is stored encrypted (see <see cref="DecryptKeyProtector"/>) and never printed.
/// </summary>
internal static class DecryptKeysCommand
{
    public static Command Create()
    {
        var storage = new StorageFlags(recursive: true);
        var account = new Option<string>("--account") { Description = "EST account (HTTP Basic user name) the key belongs to", Required = true };
        var keyId = new Option<string>("--key-id") { Description = "The DecryptKeyIdentifier value as hex (openssl cms -secretkeyid)", Required = true };
        var keyFile = new Option<string>("--key-file") { Description = "File holding the AES key (16, 24 or 32 bytes) as hex text or raw bytes", Required = true };

        var set = new Command("set", "Add or replace an account's symmetric decrypt key.") { account, keyId, keyFile };
        set.SetAction(async (result, cancellationToken) =>
        {
            // The invocation's writers, so that scripts and tests see what the console would.
            var stdout = result.InvocationConfiguration.Output;
            var stderr = result.InvocationConfiguration.Error;
            byte[] id;
            byte[] key;
            try
            {
                id = Convert.FromHexString(result.GetValue(keyId)!);
                key = ReadKey(result.GetValue(keyFile)!);
            }
            catch (Exception e) when (e is FormatException or IOException or UnauthorizedAccessException or ArgumentException)
            {
                await stderr.WriteLineAsync("estuary decrypt-keys set: " + e.Message);
                return 2;
            }

            try
            {
                // decrypt-keys.key lives in the data folder whichever store holds the accounts.
                var settings = storage.Bind(result);
                var folder = settings.DataDir;
                DataFolder.Secure(folder, stderr);
                await using var store = await EstuaryStores.OpenAsync(settings.Storage, folder, cancellationToken);
                var protection = new ServerKeyProtection(store, null, [], new DecryptKeyProtector(folder), TimeProvider.System);
                var name = result.GetValue(account)!;
                if (!await protection.SetAccountKeyAsync(name, id, key, "cli:" + Environment.UserName, cancellationToken))
                {
                    await stderr.WriteLineAsync($"estuary decrypt-keys set: no EST account '{name}'");
                    return 1;
                }

                await stdout.WriteLineAsync($"decrypt key {Convert.ToHexString(id)} set for account '{name}' ({key.Length * 8}-bit AES, stored encrypted)");
                return 0;
            }
            catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or StorageUnavailableException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
            {
                await stderr.WriteLineAsync("estuary decrypt-keys set: " + e.Message);
                return e is StorageUnavailableException ? 3 : 2;
            }
            finally
            {
                CryptographicOperations.ZeroMemory(key);
            }
        });

        var command = new Command("decrypt-keys", "Symmetric keys for the encrypted return of server-generated keys (RFC 7030 §4.4.1.1).") { set };
        storage.AddTo(command);
        return command;
    }

    /// <summary>Hex text (openssl rand -hex 32) or the raw key bytes.</summary>
    internal static byte[] ReadKey(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var text = Encoding.ASCII.GetString(bytes).Trim();
        var key = text.Length is 32 or 48 or 64 && text.All(char.IsAsciiHexDigit) ? Convert.FromHexString(text) : bytes;
        CryptographicOperations.ZeroMemory(bytes);
        return key.Length is 16 or 24 or 32 ? key : throw new ArgumentException($"{path}: an AES key is 16, 24 or 32 bytes (or 32, 48, 64 hex digits)");
    }
}
