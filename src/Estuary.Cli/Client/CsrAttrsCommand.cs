using System.CommandLine;
using Estuary.Client;
using Spectre.Console;

namespace Estuary.Cli.Client;

/// <summary>`estuary csrattrs`: what the server wants in a CSR (RFC 7030 §4.5, RFC 9908).</summary>
internal static class CsrAttrsCommand
{
    public static Command Create()
    {
        var common = new ClientOptions();
        var command = new Command("csrattrs", "Show what the EST server wants in a certificate request.");
        common.AddTo(command);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "csrattrs", async console =>
        {
            using var client = new EstClient(common.Build(result));
            var info = await client.GetCsrAttributesAsync(cancellationToken);
            if (console.IsJson)
            {
                console.WriteJson(new
                {
                    ok = true,
                    empty = info.IsEmpty,
                    keyAlgorithm = info.KeyAlgorithm,
                    curve = info.Curve,
                    rsaKeySize = info.RsaKeySize,
                    signatureAlgorithm = info.SignatureAlgorithm,
                    hash = info.Hash,
                    challengePassword = info.WantsChallengePassword,
                    requestedOids = info.RequestedOids,
                    extensionRequest = info.ExtensionRequest,
                    template = info.HasTemplate,
                    templateSubject = info.TemplateSubject.Select(kv => new { type = kv.Key, value = kv.Value }),
                    raw = info.Raw.Items.Select(i => i.Oid),
                });
                return ExitCodes.Ok;
            }

            if (info.IsEmpty)
            {
                console.Say("The server asks for nothing in particular (204 or an empty list): any key and subject its policy allows.");
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("What", "Value");
            Row(table, "Key", info.KeyAlgorithm switch
            {
                "EC" => "ECDSA " + (info.Curve ?? "(any curve)"),
                "RSA" => "RSA " + (info.RsaKeySize is { } bits ? bits + " bits" : ""),
                _ => null,
            });
            Row(table, "Signature algorithm", info.SignatureAlgorithm is { } s ? OidNames.Describe(s) : null);
            Row(table, "Hash", info.Hash);
            Row(table, "challengePassword (tls-unique)", info.WantsChallengePassword ? "requested" : null);
            Row(table, "Requested attributes", Join(info.RequestedOids));
            Row(table, "Requested extensions", Join(info.ExtensionRequest));
            Row(table, "RFC 9908 template", info.HasTemplate ? "present" : null);
            Row(table, "Template subject", Join(info.TemplateSubject.Select(kv => kv.Value is null ? kv.Key : $"{kv.Key}={kv.Value}")));
            console.Table(table);
            return ExitCodes.Ok;
        }));
        return command;
    }

    private static string? Join(IEnumerable<string> oids)
    {
        var text = string.Join(", ", oids.Select(o => OidNames.NameOf(o) is { } n ? $"{n} ({o})" : o));
        return text.Length == 0 ? null : text;
    }

    private static void Row(Table table, string what, string? value)
    {
        if (!string.IsNullOrWhiteSpace(value))
        {
            table.AddRow(ClientConsole.Escape(what), ClientConsole.Escape(value));
        }
    }
}
