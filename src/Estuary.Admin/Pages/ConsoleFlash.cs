using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Estuary.Admin.Pages;

/// <summary>
/// What one console POST tells the GET it redirects to: a message or a problem, a secret shown once, and the
/// values typed into a small form that failed. Kept in TempData, which forgets an entry once it is read, so a
/// reload shows nothing twice and repeats nothing.
/// </summary>
public sealed record ConsoleFlash
{
    private const string Key = "console.flash";

    public string? Message { get; init; }

    public string? Problem { get; init; }

    public OneTimeSecret? Secret { get; init; }

    /// <summary>The values typed into the form that failed, by field name, to fill it in again.</summary>
    public IReadOnlyDictionary<string, string> Values { get; init; } = new Dictionary<string, string>();

    public static ConsoleFlash Done(string message) => new() { Message = message };

    public static ConsoleFlash Failed(string problem, IReadOnlyDictionary<string, string>? values = null) =>
        new() { Problem = problem, Values = values ?? new Dictionary<string, string>() };

    /// <summary>A typed value of the failed form, or empty.</summary>
    public string Value(string field) => Values.GetValueOrDefault(field, "");

    public void Store(ITempDataDictionary tempData) => tempData[Key] = JsonSerializer.Serialize(this);

    /// <summary>The flash the last POST left, removed as it is read.</summary>
    public static ConsoleFlash? Take(ITempDataDictionary tempData) =>
        tempData[Key] is string json ? JsonSerializer.Deserialize<ConsoleFlash>(json) : null;
}

/// <summary>A password or API key shown exactly once. <paramref name="Kind"/> names the page elements: new-KIND, KIND-value.</summary>
public sealed record OneTimeSecret(string Kind, string Label, string Value);
