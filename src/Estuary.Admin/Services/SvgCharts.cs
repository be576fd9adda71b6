using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Html;

namespace Estuary.Admin;

/// <summary>
/// Small charts drawn on the server as inline SVG: no script, no external library, nothing for the CSP to
/// allow. Colours are presentation attributes, which a CSP without 'unsafe-inline' still permits.
/// </summary>
public static class SvgCharts
{
    /// <summary>A vertical bar per day; the tallest bar fills the height. Labels every 5th day.</summary>
    public static HtmlString DailyBars(IReadOnlyList<(DateOnly Day, int Count)> days, string title)
    {
        const int width = 720, height = 180, left = 34, bottom = 22, top = 10;
        var max = Math.Max(1, days.Count == 0 ? 1 : days.Max(d => d.Count));
        var slot = (width - left) / (double)Math.Max(1, days.Count);
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{Encode(title)}\" viewBox=\"0 0 {width} {height}\" width=\"100%\" preserveAspectRatio=\"xMidYMid meet\">");
        svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{height - bottom}\" x2=\"{width}\" y2=\"{height - bottom}\" stroke=\"#b9c3cc\"/>");
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{top + 8}\">{max}</text><text x=\"0\" y=\"{height - bottom}\">0</text>");
        for (var i = 0; i < days.Count; i++)
        {
            var (day, count) = days[i];
            var h = (height - bottom - top) * count / (double)max;
            var x = left + (i * slot) + 2;
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x:0.#}\" y=\"{height - bottom - h:0.#}\" width=\"{Math.Max(1, slot - 4):0.#}\" height=\"{h:0.#}\" fill=\"#0b6e8a\"><title>{day:yyyy-MM-dd}: {count}</title></rect>");
            if (i == days.Count - 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{width}\" y=\"{height - 6}\" text-anchor=\"end\">{day:MM-dd}</text>");
            }
            else if (i % 5 == 0 && i < days.Count - 3)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{x:0.#}\" y=\"{height - 6}\">{day:MM-dd}</text>");
            }
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>A horizontal bar per category, longest first.</summary>
    public static HtmlString HorizontalBars(IReadOnlyList<(string Label, int Count)> rows, string title, string colour)
    {
        const int width = 400, row = 26, labelWidth = 160;
        if (rows.Count == 0)
        {
            return new HtmlString("<p class=\"muted\">None.</p>");
        }

        var max = Math.Max(1, rows.Max(r => r.Count));
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg role=\"img\" aria-label=\"{Encode(title)}\" viewBox=\"0 0 {width} {rows.Count * row}\" width=\"100%\">");
        for (var i = 0; i < rows.Count; i++)
        {
            var (label, count) = rows[i];
            var w = (width - labelWidth - 40) * count / (double)max;
            var y = i * row;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"0\" y=\"{y + 16}\">{Encode(label)}</text>");
            svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{y + 5}\" width=\"{Math.Max(2, w):0.#}\" height=\"15\" fill=\"{colour}\"/>");
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + w + 6:0.#}\" y=\"{y + 16}\">{count}</text>");
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    private static string Encode(string s) => HtmlEncoder.Default.Encode(s);
}
