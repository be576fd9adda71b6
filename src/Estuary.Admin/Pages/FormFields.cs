using System.Text.Encodings.Web;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Html;

namespace Estuary.Admin.Pages;

/// <summary>
/// The fields of a console form: the property each one edits and the words on the form for it. Services
/// report problems by property name (the names the REST API's JSON uses); <see cref="Place"/> puts each
/// problem beside the field it is about and says it in the form's words ("ValidityDays must be …" becomes
/// "Validity (days) must be …").
/// </summary>
public sealed class FormFields
{
    private readonly IReadOnlyList<FormField> _fields;
    private readonly Regex _names;

    public FormFields(params FormField[] fields)
    {
        _fields = fields;
        // Longest first, so "ClientKeyPath" is never read as a shorter name; whole words and case only.
        _names = new Regex(@"\b(" + string.Join('|', fields.Select(f => f.Property).OrderByDescending(p => p.Length).Select(Regex.Escape)) + @")\b", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }

    /// <summary>The words on the form for a property.</summary>
    public string Label(string property) => _fields.First(f => f.Property == property).Label;

    /// <summary>Each problem beside its field, in the form's words; problems about no field stay general.</summary>
    public FieldProblems Place(IEnumerable<string> problems)
    {
        var placed = new FieldProblems();
        foreach (var problem in problems)
        {
            var field = _fields.FirstOrDefault(f => problem.StartsWith(f.Property, StringComparison.Ordinal) && (problem.Length == f.Property.Length || problem[f.Property.Length] is ' ' or ':' or '/'))
                ?? _fields.FirstOrDefault(f => f.Aliases.Any(a => problem.StartsWith(a, StringComparison.Ordinal)))
                ?? (_names.Match(problem) is { Success: true } named ? _fields.First(f => f.Property == named.Value) : null);
            placed.Add(field?.Property, Reword(problem, field));
        }

        return placed;
    }

    /// <summary>The leading property name becomes the field's label; names further on become quoted labels.</summary>
    private string Reword(string problem, FormField? field)
    {
        var start = 0;
        var text = "";
        if (field is not null && problem.StartsWith(field.Property, StringComparison.Ordinal))
        {
            text = field.Label;
            start = field.Property.Length;
        }

        return text + _names.Replace(problem[start..], m => "“" + Label(m.Value) + "”");
    }
}

/// <summary>A form field: the property it edits, its label, and how problems about it may begin without naming it.</summary>
public sealed record FormField(string Property, string Label, params string[] Aliases);

/// <summary>Problems by field, plus those about the form as a whole.</summary>
public sealed class FieldProblems
{
    public Dictionary<string, List<string>> ByField { get; init; } = new(StringComparer.Ordinal);

    public List<string> General { get; init; } = [];

    public int Count => General.Count + ByField.Values.Sum(p => p.Count);

    public IReadOnlyList<string> For(string property) => ByField.GetValueOrDefault(property) ?? [];

    /// <summary>"true" for aria-invalid on a field with problems, else null (no attribute).</summary>
    public string? Invalid(string property) => ByField.ContainsKey(property) ? "true" : null;

    /// <summary>The problems of one field, written beside it (id PROPERTY-error for aria-describedby).</summary>
    public IHtmlContent Show(string property)
    {
        if (!ByField.TryGetValue(property, out var problems))
        {
            return HtmlString.Empty;
        }

        var html = new HtmlContentBuilder();
        html.AppendHtml($"<div class=\"field-error\" id=\"{HtmlEncoder.Default.Encode(property)}-error\">");
        for (var i = 0; i < problems.Count; i++)
        {
            html.AppendHtml(i == 0 ? "" : "<br>").Append(problems[i]);
        }

        return html.AppendHtml("</div>");
    }

    public void Add(string? property, string problem)
    {
        if (property is null)
        {
            General.Add(problem);
        }
        else if (ByField.TryGetValue(property, out var list))
        {
            list.Add(problem);
        }
        else
        {
            ByField[property] = [problem];
        }
    }
}
