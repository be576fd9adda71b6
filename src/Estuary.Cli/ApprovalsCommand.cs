using System.CommandLine;
using Estuary.Ra;
using Estuary.Storage;
using Estuary.Storage.Sqlite;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>
/// `estuary approvals list|approve ID|reject ID --reason TEXT`: decide enrollments held for approval
/// (RFC 7030 §4.2.3) on the data folder's database. Safe while the server runs (SQLite WAL); the client's
/// next repeat collects the certificate.
/// </summary>
internal static class ApprovalsCommand
{
    public static Command Create()
    {
        var dataDir = new Option<string?>("--data-dir") { Description = "Data folder holding estuary.db. Default ./estuary-data; key Estuary:DataDir", Recursive = true };
        var all = new Option<bool>("--all") { Description = "List requests in every status, not only pending ones" };
        var id = new Argument<long>("ID") { Description = "The request id shown by `estuary approvals list`" };
        var rejectId = new Argument<long>("ID") { Description = "The request id shown by `estuary approvals list`" };
        var reason = new Option<string>("--reason") { Description = "Why (shown to the client in the 403)", Required = true };

        var list = new Command("list", "List held enrollment requests (pending only unless --all).") { all };
        list.SetAction((result, cancellationToken) => RunAsync(result.GetValue(dataDir), async queue =>
        {
            var requests = await queue.ListAsync(result.GetValue(all) ? null : PendingRequestStatus.Pending, 1000, cancellationToken);
            if (requests.Count == 0)
            {
                Console.WriteLine(result.GetValue(all) ? "no held requests" : "no pending requests");
                return 0;
            }

            Console.WriteLine($"{"ID",6}  {"STATUS",-9}  {"CREATED (UTC)",-19}  {"LABEL",-12}  {"REQUESTER",-24}  SUBJECT");
            foreach (var r in requests)
            {
                var label = string.IsNullOrEmpty(r.Label) ? RaOptions.DefaultLabel : r.Label;
                var status = queue.IsExpired(r) ? "expired" : r.Status;
                var note = r.Reason is null ? "" : $"  ({r.Reason})";
                Console.WriteLine($"{r.Id,6}  {status,-9}  {r.CreatedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}  {label,-12}  {r.Requester,-24}  {r.Subject}{note}");
            }

            return 0;
        }));

        var approve = new Command("approve", "Approve a pending request; the client's next repeat gets the certificate.") { id };
        approve.SetAction((result, cancellationToken) => RunAsync(result.GetValue(dataDir), async queue =>
            Report(await queue.ApproveAsync(result.GetValue(id), Actor, cancellationToken), "approved")));

        var reject = new Command("reject", "Reject a pending request; the client's repeats get 403 with the reason.") { rejectId, reason };
        reject.SetAction((result, cancellationToken) => RunAsync(result.GetValue(dataDir), async queue =>
            Report(await queue.RejectAsync(result.GetValue(rejectId), Actor, result.GetValue(reason)!, cancellationToken), "rejected")));

        return new Command("approvals", "Decide enrollments held for approval (RFC 7030 §4.2.3).") { dataDir, list, approve, reject };
    }

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

    private static async Task<int> RunAsync(string? dataDirFlag, Func<ApprovalQueue, Task<int>> action)
    {
        // The same sources as `estuary serve` (appsettings.json, environment), so that the pending
        // lifetime and the data folder agree with the server's.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.GetFullPath("appsettings.json"), optional: true)
            .AddEnvironmentVariables()
            .Build();
        var options = new RaOptions();
        configuration.GetSection("Estuary").Bind(options);
        var dataDir = Path.GetFullPath(dataDirFlag ?? configuration["Estuary:DataDir"] ?? "estuary-data");
        var database = Path.Combine(dataDir, "estuary.db");
        if (!File.Exists(database))
        {
            await Console.Error.WriteLineAsync($"estuary approvals: no database at {database} (use --data-dir)");
            return 2;
        }

        await using var store = await SqliteStore.OpenAsync(database);
        return await action(new ApprovalQueue(store, TimeProvider.System, options));
    }
}
