using System.CommandLine;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Logging.Abstractions;

namespace Estuary.Cli;

/// <summary>
/// `estuary ca revoke SERIAL --reason REASON`: records the revocation with an audit event in the configured store
/// (the data folder's SQLite database, or PostgreSQL; see <see cref="StorageFlags"/>). A running server re-signs its CRL on its next recheck (Estuary:Revocation:RecheckInterval);
/// its OCSP answers from the database at once.
/// </summary>
internal static class CaRevokeCommand
{
    public static Command Create()
    {
        var serial = new Argument<string>("serial") { Description = "Serial number of the certificate, hexadecimal (as openssl x509 -serial prints it)" };
        var reason = new Option<string>("--reason")
        {
            Description = "RFC 5280 CRLReason: " + string.Join(", ", RevocationReasons.Names),
            DefaultValueFactory = _ => "unspecified",
        };
        var storage = new StorageFlags();
        var command = new Command("revoke", "Revoke a certificate this CA issued.") { serial, reason };
        storage.AddTo(command);
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!RevocationReasons.TryParse(result.GetValue(reason)!, out var code))
            {
                await Console.Error.WriteLineAsync($"estuary ca revoke: unknown reason '{result.GetValue(reason)}' (use one of {string.Join(", ", RevocationReasons.Names)})");
                return 2;
            }

            await using var store = await Open(storage, result, cancellationToken);
            if (store is null)
            {
                return 2;
            }

            var service = new RevocationService(store, TimeProvider.System, NullLogger<RevocationService>.Instance);
            var outcome = await service.RevokeAsync(result.GetValue(serial)!, code, "cli:" + Environment.UserName, cancellationToken);
            if (outcome.Value is not { } revoked)
            {
                await Console.Error.WriteLineAsync("estuary ca revoke: " + outcome.Error!.Message);
                return outcome.Error.Kind == EstErrorKind.NotFound ? 3 : 2;
            }

            var c = revoked.Certificate;
            Console.WriteLine(revoked.AlreadyRevoked
                ? $"serial {c.Serial} ('{c.Subject}') was already revoked on {c.RevokedAt:u} ({RevocationReasons.Name(c.RevocationReason ?? 0)})"
                : $"revoked serial {c.Serial} ('{c.Subject}') for {RevocationReasons.Name(c.RevocationReason ?? 0)} at {c.RevokedAt:u}");
            return 0;
        });
        return command;
    }

    private static async Task<IEstuaryStore?> Open(StorageFlags storage, ParseResult result, CancellationToken cancellationToken)
    {
        try
        {
            return await StorageFlags.OpenExistingAsync(storage.Bind(result), "estuary ca revoke", Console.Error, cancellationToken);
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or StorageUnavailableException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync("estuary ca revoke: " + e.Message);
            return null;
        }
    }
}
