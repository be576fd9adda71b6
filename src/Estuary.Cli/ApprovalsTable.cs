using System.Globalization;
using Estuary.Ra;
using Estuary.Storage;

namespace Estuary.Cli;

/// <summary>
/// `estuary approvals list` for people: one row per request within 80 columns. The columns take the width their
/// values need (label and requester capped); the subject gets what is left and is shortened with "…" when it
/// would not fit (`--json` has every value in full); a reason goes on its own indented line.
/// </summary>
internal static class ApprovalsTable
{
    public const int Width = 80;
    private const int MaxLabel = 12;
    private const int MaxRequester = 18;
    private const int MinSubject = 16;

    public sealed record Row(long Id, string Status, DateTimeOffset CreatedAt, string Label, string Requester, string Subject, string? Reason);

    public static Row Of(PendingRequest r, ApprovalQueue queue) => new(
        r.Id,
        queue.IsExpired(r) ? PendingRequestStatus.Expired : r.Status,
        r.CreatedAt,
        string.IsNullOrEmpty(r.Label) ? RaOptions.DefaultLabel : r.Label,
        r.Requester,
        r.Subject,
        r.Reason);

    public static IEnumerable<string> Lines(IReadOnlyList<Row> rows)
    {
        var id = Math.Max(2, rows.Max(r => r.Id.ToString(CultureInfo.InvariantCulture).Length));
        var status = Math.Max(6, rows.Max(r => r.Status.Length));
        const int created = 16; // yyyy-MM-dd HH:mm
        var label = Math.Clamp(rows.Max(r => r.Label.Length), 5, MaxLabel);
        var requester = Math.Clamp(rows.Max(r => r.Requester.Length), 9, MaxRequester);
        var subject = Math.Max(MinSubject, Width - (id + status + created + label + requester + (5 * 2)));
        yield return Fit($"{"ID".PadLeft(id)}  {"STATUS".PadRight(status)}  {"CREATED (UTC)".PadRight(created)}  {"LABEL".PadRight(label)}  {"REQUESTER".PadRight(requester)}  SUBJECT");
        foreach (var r in rows)
        {
            var when = r.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
            yield return Fit($"{r.Id.ToString(CultureInfo.InvariantCulture).PadLeft(id)}  {r.Status.PadRight(status)}  {when}  {Cut(r.Label, label).PadRight(label)}  {Cut(r.Requester, requester).PadRight(requester)}  {Cut(r.Subject, subject)}");
            if (r.Reason is not null)
            {
                yield return Cut(new string(' ', id + 2) + "reason: " + r.Reason, Width);
            }
        }
    }

    private static string Fit(string line) => Cut(line.TrimEnd(), Width);

    /// <summary>The text, or its start and "…" when longer than <paramref name="width"/>.</summary>
    public static string Cut(string text, int width) => text.Length <= width ? text : text[..(width - 1)] + "…";
}
