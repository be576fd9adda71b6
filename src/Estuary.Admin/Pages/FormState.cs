using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace Estuary.Admin.Pages;

/// <summary>
/// A form that failed, carried over the redirect of post/redirect/get to the page at <see cref="Path"/>: what
/// was typed and where each problem goes. Secrets (passwords) are never put in it.
/// </summary>
public sealed record FormState<TForm>(string Path, TForm Form, FieldProblems Problems)
{
    private const string Key = "console.form";

    public void Store(ITempDataDictionary tempData) => tempData[Key] = JsonSerializer.Serialize(this);

    /// <summary>The failed form of this page, if the last POST left one (removed as it is read).</summary>
    public static FormState<TForm>? Take(ITempDataDictionary tempData, string path) =>
        tempData[Key] is string json && JsonSerializer.Deserialize<FormState<TForm>>(json) is { } state && state.Path == path ? state : null;
}
