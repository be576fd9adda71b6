namespace Estuary.Admin;

/// <summary>The console's one style sheet, served from /admin/site.css (the CSP allows no inline style).</summary>
internal static class ConsoleStyle
{
    public const string Css = """
        :root { --ink: #1d2733; --muted: #5b6875; --line: #d8dee5; --bg: #f5f7f9; --accent: #0b6e8a; --bad: #b3261e; --ok: #1e7b34; --warn: #a05a00; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
        header { background: #12313f; color: #fff; padding: 0 24px; display: flex; align-items: center; gap: 24px; height: 52px; }
        header .brand { font-weight: 700; font-size: 17px; letter-spacing: .3px; }
        header nav a { color: #cfe6ee; text-decoration: none; margin-right: 16px; }
        header nav a:hover, header nav a.active { color: #fff; text-decoration: underline; }
        header form { margin-left: auto; }
        header button { background: transparent; color: #cfe6ee; border: 1px solid #5b7f8f; border-radius: 4px; padding: 4px 10px; cursor: pointer; }
        main { max-width: 1200px; margin: 24px auto; padding: 0 24px; }
        h1 { font-size: 22px; margin: 0 0 16px; }
        h2 { font-size: 16px; margin: 0 0 12px; }
        .cards { display: grid; grid-template-columns: repeat(auto-fit, minmax(260px, 1fr)); gap: 16px; margin-bottom: 16px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 8px; padding: 16px; }
        .card.wide { grid-column: 1 / -1; }
        .cards.two { grid-template-columns: 1fr 1fr; }
        .big { font-size: 32px; font-weight: 700; }
        .muted { color: var(--muted); }
        table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
        th, td { text-align: left; padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
        th { background: #eef2f5; font-weight: 600; }
        td.mono, .mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; word-break: break-all; }
        a { color: var(--accent); }
        form.inline { display: inline; }
        .filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin-bottom: 12px; }
        label { display: block; font-weight: 600; margin-bottom: 3px; }
        input[type=text], input[type=password], input[type=number], select, textarea { width: 100%; padding: 6px 8px; border: 1px solid #b9c3cc; border-radius: 4px; font: inherit; }
        .filters > div { min-width: 150px; }
        .grid2 { display: grid; grid-template-columns: 1fr 1fr; gap: 12px 20px; }
        .field { margin-bottom: 10px; }
        .hint { color: var(--muted); font-size: 12px; }
        button, .button { background: var(--accent); color: #fff; border: 0; border-radius: 4px; padding: 7px 14px; cursor: pointer; font: inherit; text-decoration: none; display: inline-block; }
        button.secondary { background: #e3e9ee; color: var(--ink); }
        button.danger { background: var(--bad); }
        .notice { border-radius: 6px; padding: 10px 14px; margin-bottom: 14px; }
        .notice.error { background: #fdecea; border: 1px solid #f3b8b3; color: var(--bad); }
        .notice.ok { background: #e8f5ec; border: 1px solid #aad5b6; color: var(--ok); }
        .secret { font-family: ui-monospace, monospace; font-size: 15px; background: #fff8e1; border: 1px dashed var(--warn); padding: 6px 10px; display: inline-block; }
        .pill { border-radius: 10px; padding: 1px 8px; font-size: 12px; background: #e3e9ee; }
        .pill.valid { background: #e0f2e6; color: var(--ok); } .pill.expired { background: #fff1dc; color: var(--warn); } .pill.revoked { background: #fdecea; color: var(--bad); }
        a.button.secondary { background: #e3e9ee; color: var(--ink); }
        .confirm { border: 2px solid var(--bad); margin-bottom: 16px; }
        .confirm h2 { font-size: 17px; }
        .confirm form { display: flex; flex-wrap: wrap; gap: 10px; align-items: end; }
        .confirm .field { min-width: 320px; margin: 0; }
        .field-error { color: var(--bad); font-size: 13px; margin-top: 3px; }
        [aria-invalid=true] { border-color: var(--bad) !important; }
        fieldset.choices { border: 1px solid var(--line); border-radius: 4px; padding: 6px 10px 8px; }
        fieldset.choices legend { font-weight: 600; padding: 0 4px; }
        fieldset.choices label { display: inline-block; font-weight: normal; margin-right: 14px; }
        fieldset.choices label.sub { display: block; font-weight: 600; margin-top: 6px; }
        .login { max-width: 360px; margin: 80px auto; }
        svg text { font: 11px system-ui, sans-serif; fill: #5b6875; }
        """;
}
