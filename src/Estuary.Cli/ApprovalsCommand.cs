using System.CommandLine;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>
/// `estuary approvals list|approve ID|reject ID --reason TEXT`: decide enrollments held for approval
/// (RFC 7030 §4.2.3) in the configured store (the data folder's SQLite database, or PostgreSQL; see
/// <see cref="StorageFlags"/>). Safe while the server runs; the client's next repeat collects the certificate.
/// </summary>
internal static class ApprovalsCommand
{
    public static Command Create()
    {
        var storage = new StorageFlags(recursive: true);
        var all = new Option<bool>("--all") { Description = "List requests in every status, not only pending ones" };
        var id = new Argument<long>("ID") { Description = "The request id shown by `estuary approvals list`" };
        var rejectId = new Argument<long>("ID") { Description = "The request id shown by `estuary approvals list`" };
        var reason = new Option<string>("--reason") { Description = "Why (shown to the client in the 403)", Required = true };

        var json = new Option<bool>("--json") { Description = "Print the requests as JSON (every field in full)" };
        var list = new Command("list", "List held enrollment requests (pending only unless --all).") { all, json };
        list.SetAction((result, cancellationToken) => RunAsync(storage, result, async queue =>
        {
            var requests = await queue.ListAsync(result.GetValue(all) ? null : PendingRequestStatus.Pending, 1000, cancellationToken);
            if (result.GetValue(json))
            {
                Console.WriteLine(CliJson.Serialize(new { ok = true, requests = requests.Select(r => ToJson(r, queue)) }));
                return 0;
            }

            if (requests.Count == 0)
            {
                Console.WriteLine(result.GetValue(all) ? "no held requests" : "no pending requests");
                return 0;
            }

            foreach (var line in ApprovalsTable.Lines(requests.Select(r => ApprovalsTable.Of(r, queue)).ToList()))
            {
                Console.WriteLine(line);
            }

            return 0;
        }, cancellationToken));

        var approve = new Command("approve", "Approve a pending request; the client's next repeat gets the certificate.") { id };
        approve.SetAction((result, cancellationToken) => RunAsync(storage, result, async queue =>
            Report(await queue.ApproveAsync(result.GetValue(id), Actor, cancellationToken), "approved"), cancellationToken));

        var reject = new Command("reject", "Reject a pending request; the client's repeats get 403 with the reason.") { rejectId, reason };
        reject.SetAction((result, cancellationToken) => RunAsync(storage, result, async queue =>
            Report(await queue.RejectAsync(result.GetValue(rejectId), Actor, result.GetValue(reason)!, cancellationToken), "rejected"), cancellationToken));

        var command = new Command("approvals", "Decide enrollments held for approval (RFC 7030 §4.2.3).") { list, approve, reject };
        storage.AddTo(command);
        return command;
    }

    private static object ToJson(PendingRequest r, ApprovalQueue queue) => new
    {
        id = r.Id,
        status = queue.IsExpired(r) ? PendingRequestStatus.Expired : r.Status,
        createdAt = r.CreatedAt.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture),
        label = string.IsNullOrEmpty(r.Label) ? RaOptions.DefaultLabel : r.Label,
        requester = r.Requester,
        operation = r.Operation,
        subject = r.Subject,
        reason = r.Reason,
        issuedSerial = r.IssuedSerial,
        decidedBy = r.DecidedBy,
        decidedAt = r.DecidedAt?.ToUniversalTime().ToString("o", System.Globalization.CultureInfo.InvariantCulture),
    };

    private static string Actor => "cli:" + Environment.UserName;

    private static int Report(EstResult<PendingRequest> result, string verb)
    {
        if (result.Value is { } request)
        {
            Console.WriteLine($"request {request.Id} ({request.Subject}) {verb}");
            return 0;
        }

        Console.Error.WriteLine("estuary approvals: " + result.Error!.Message);
        return 1;
    }

    private static async Task<int> RunAsync(StorageFlags flags, ParseResult result, Func<ApprovalQueue, Task<int>> action, CancellationToken cancellationToken)
    {
        // The same sources and store factory as `estuary serve`, so that the pending lifetime and the store
        // (SQLite in the data folder, or PostgreSQL) agree with the server's.
        try
        {
            var settings = flags.Bind(result);
            var options = new RaOptions();
            settings.Configuration.GetSection("Estuary").Bind(options);
            await using var store = await StorageFlags.OpenExistingAsync(settings, "estuary approvals", Console.Error, cancellationToken);
            return store is null ? 2 : await action(new ApprovalQueue(store, TimeProvider.System, options));
        }
        catch (Exception e) when (e is ArgumentException or IOException or UnauthorizedAccessException or StorageUnavailableException or Npgsql.NpgsqlException or Microsoft.Data.Sqlite.SqliteException)
        {
            await Console.Error.WriteLineAsync("estuary approvals: " + e.Message);
            return e is StorageUnavailableException ? 3 : 2;
        }
    }
}
