using System.CommandLine;
using Estuary.Ra;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;

namespace Estuary.Cli;

/// <summary>
/// `estuary ca revoke SERIAL --reason REASON`: records the revocation in the data folder's database with an
/// audit event. A running server re-signs its CRL on its next recheck (Estuary:Revocation:RecheckInterval);
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
        var dataDir = CaCommand.DataDirOption();
        var command = new Command("revoke", "Revoke a certificate this CA issued.") { serial, reason, dataDir };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!RevocationReasons.TryParse(result.GetValue(reason)!, out var code))
            {
                await Console.Error.WriteLineAsync($"estuary ca revoke: unknown reason '{result.GetValue(reason)}' (use one of {string.Join(", ", RevocationReasons.Names)})");
                return 2;
            }

            var database = Path.Combine(Path.GetFullPath(result.GetValue(dataDir)!), "estuary.db");
            if (!File.Exists(database))
            {
                await Console.Error.WriteLineAsync($"estuary ca revoke: no database at {database} (wrong --data-dir?)");
                return 2;
            }

            await using var store = await SqliteStore.OpenAsync(database, cancellationToken);
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
}
