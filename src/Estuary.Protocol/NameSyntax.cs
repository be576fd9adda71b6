using System.Text;

namespace Estuary.Protocol;

/// <summary>
/// The syntax of the names a certificate may carry, checked once when a CSR is decoded
/// (<see cref="RequestedCertificate"/>). Each check returns null when the name is well formed, or a reason
/// safe to show the client (control characters in the name are escaped, so the reason cannot forge a log line).
/// Syntax only: whether a well-formed name is allowed is the RA's policy.
/// </summary>
public static class NameSyntax
{
    /// <summary>RFC 1034 §3.1 / RFC 1123 §2.1: 255 octets on the wire, i.e. 253 characters in text form.</summary>
    public const int MaxDnsNameLength = 253;

    /// <summary>RFC 1034 §3.1: a label is at most 63 octets.</summary>
    public const int MaxLabelLength = 63;

    /// <summary>RFC 5321 §4.5.3.1.1: a local part is at most 64 octets.</summary>
    public const int MaxLocalPartLength = 64;

    /// <summary>True for "*.rest": the wildcard as the whole leftmost label (RFC 6125 §6.4.3), the only wildcard form Estuary accepts.</summary>
    public static bool IsWildcardDnsName(string name) => name.StartsWith("*.", StringComparison.Ordinal);

    /// <summary>
    /// A dNSName in the preferred name syntax (RFC 5280 §4.2.1.6, RFC 1034 §3.5 as amended by RFC 1123 §2.1):
    /// ASCII letters, digits and hyphens in labels of 1 to 63 characters, no label starting or ending with a
    /// hyphen, at most 253 characters. With <paramref name="wildcardLabel"/> the leftmost label may be exactly '*'
    /// followed by at least two labels (RFC 6125 §6.4.3, CA/Browser Forum BR §3.2.2.6: never "a*.example",
    /// never "*.example"). A trailing root dot ("host.example.") is refused rather than normalised: the
    /// certificate carries the name exactly as the client signed it, and RFC 5280 names are written without it.
    /// </summary>
    public static string? DnsNameProblem(string name, bool wildcardLabel)
    {
        if (name.Length == 0)
        {
            return "a dNSName is empty";
        }

        var shown = Printable(name);
        if (name.Length > MaxDnsNameLength)
        {
            return $"dNSName '{Shorten(shown)}' is longer than {MaxDnsNameLength} characters (RFC 1034 §3.1)";
        }

        if (name.EndsWith('.'))
        {
            return $"dNSName '{shown}' ends with a dot; write it without the trailing root dot (RFC 5280 §4.2.1.6 preferred name syntax)";
        }

        var labels = name.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            var label = labels[i];
            if (label.Length == 0)
            {
                return $"dNSName '{shown}' has an empty label";
            }

            if (label.Length > MaxLabelLength)
            {
                return $"dNSName '{Shorten(shown)}' has a label longer than {MaxLabelLength} characters (RFC 1034 §3.1)";
            }

            if (label == "*" && i == 0 && wildcardLabel)
            {
                if (labels.Length < 3)
                {
                    return $"wildcard dNSName '{shown}' needs at least two labels after '*.'";
                }

                continue;
            }

            foreach (var c in label)
            {
                if (char.IsAsciiLetterOrDigit(c) || c == '-')
                {
                    continue;
                }

                return c switch
                {
                    '*' => $"dNSName '{shown}' has a '*' that is not the whole leftmost label of a wildcard name ('*.example.com', RFC 6125 §6.4.3)",
                    > '\u007f' => $"dNSName '{shown}' is not ASCII; write an IDN in its A-label (xn--) form (RFC 5280 §7.2)",
                    _ when IsControlOrSeparator(c) => $"dNSName '{shown}' holds a control character",
                    ' ' => $"dNSName '{shown}' holds a space",
                    _ => $"dNSName '{shown}' holds '{c}', which is not a letter, digit or hyphen (RFC 1034 §3.5, RFC 1123 §2.1)",
                };
            }

            if (label[0] == '-' || label[^1] == '-')
            {
                return $"dNSName '{shown}' has a label that starts or ends with a hyphen (RFC 1034 §3.5)";
            }
        }

        return null;
    }

    /// <summary>
    /// An rfc822Name is a Mailbox (RFC 5280 §4.2.1.6, RFC 5321 §4.1.2): exactly one '@', a non-empty local part
    /// without spaces or control characters, and a domain part that is a host name. Quoted local parts are not
    /// accepted (they could hide a second '@'); a UTF-8 mailbox belongs in an SmtpUTF8Mailbox otherName (RFC 9598).
    /// </summary>
    public static string? MailboxProblem(string mailbox)
    {
        var shown = Printable(mailbox);
        var at = mailbox.IndexOf('@', StringComparison.Ordinal);
        if (at < 0 || mailbox.IndexOf('@', at + 1) >= 0)
        {
            return $"rfc822Name '{shown}' must hold exactly one '@' (RFC 5280 §4.2.1.6 Mailbox)";
        }

        var local = mailbox.AsSpan(0, at);
        if (local.IsEmpty)
        {
            return $"rfc822Name '{shown}' has an empty local part";
        }

        if (local.Length > MaxLocalPartLength)
        {
            return $"rfc822Name '{shown}' has a local part longer than {MaxLocalPartLength} characters (RFC 5321 §4.5.3.1.1)";
        }

        foreach (var c in local)
        {
            if (c <= ' ' || c > '~' || c == '"')
            {
                return $"rfc822Name '{shown}' has a space, control character, quote or non-ASCII character in its local part";
            }
        }

        return DnsNameProblem(mailbox[(at + 1)..], wildcardLabel: false) is { } domain
            ? $"rfc822Name '{shown}': the domain part is not a host name: {domain}"
            : null;
    }

    /// <summary>
    /// A uniformResourceIdentifier is an absolute URI with a scheme (RFC 5280 §4.2.1.6, RFC 3986 §4.3): never
    /// relative, no spaces or control characters.
    /// </summary>
    public static string? UriProblem(string uri)
    {
        var shown = Printable(uri);
        foreach (var c in uri)
        {
            if (c <= ' ' || c > '~')
            {
                return $"URI '{shown}' holds a space, control character or non-ASCII character (RFC 3986 §2)";
            }
        }

        // .NET on Unix reads "/path" as an absolute file: URI; RFC 5280 wants the scheme written out.
        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed) || !uri.StartsWith(parsed.Scheme + ":", StringComparison.OrdinalIgnoreCase))
        {
            return $"URI '{shown}' is not an absolute URI with a scheme (RFC 5280 §4.2.1.6, RFC 3986 §4.3)";
        }

        return null;
    }

    /// <summary>The syntax problem of one GeneralName, or null. Wildcard dNSNames pass here; policy decides on them.</summary>
    public static string? Problem(GeneralName name) => name.Type switch
    {
        GeneralNameType.Dns => DnsNameProblem(name.Value, wildcardLabel: true),
        GeneralNameType.Email => MailboxProblem(name.Value),
        GeneralNameType.Uri => UriProblem(name.Value),
        _ => null, // iPAddress length is checked by GeneralNames.Read; other types are refused or allowed whole by policy.
    };

    /// <summary>
    /// C0 (U+0000–U+001F), DEL, C1 (U+0080–U+009F), and the Unicode line and paragraph separators: each can
    /// start a new line in a log or a console, so no issued name carries one.
    /// </summary>
    public static bool IsControlOrSeparator(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';

    /// <summary>The first control character in <paramref name="text"/>, or -1.</summary>
    public static int IndexOfControl(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (IsControlOrSeparator(text[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary><paramref name="text"/> with control characters written as \uXXXX, for messages and logs.</summary>
    public static string Printable(string text)
    {
        if (IndexOfControl(text) < 0)
        {
            return text;
        }

        var builder = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            if (IsControlOrSeparator(c))
            {
                builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static string Shorten(string text) => text.Length <= 80 ? text : text[..77] + "...";
}
