using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ra;

/// <summary>
/// A distinguished-name pattern for template rules ("CN=*.devices.example, O=Example"), matched RDN by RDN: the
/// certificate's subject must have exactly the pattern's RDNs, in order, each single-valued with the same attribute
/// type, and each value must match that RDN's glob ('*' stays inside one DNS label). Matching the whole subject text
/// as one string let "CN=zz, O=x.devices.example" pass "CN=*.devices.example".
/// </summary>
public sealed class SubjectPattern
{
    private readonly List<(string Oid, NamePattern Value)> _rdns;

    private SubjectPattern(string text, List<(string Oid, NamePattern Value)> rdns)
    {
        Text = text;
        _rdns = rdns;
    }

    public string Text { get; }

    /// <summary>Parses an RFC 4514-style name as .NET writes it; false when it is not one or has a multi-valued RDN.</summary>
    public static bool TryParse(string text, out SubjectPattern? pattern)
    {
        pattern = null;
        try
        {
            var rdns = new List<(string, NamePattern)>();
            foreach (var rdn in new X500DistinguishedName(text.Trim()).EnumerateRelativeDistinguishedNames())
            {
                if (rdn.HasMultipleElements || rdn.GetSingleElementValue() is not { Length: > 0 } value)
                {
                    return false;
                }

                rdns.Add((rdn.GetSingleElementType().Value!, new NamePattern(value, starCrossesDots: false)));
            }

            if (rdns.Count == 0)
            {
                return false;
            }

            pattern = new SubjectPattern(text.Trim(), rdns);
            return true;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return false;
        }
    }

    public bool Matches(X500DistinguishedName subject)
    {
        var index = 0;
        foreach (var rdn in subject.EnumerateRelativeDistinguishedNames())
        {
            if (index >= _rdns.Count || rdn.HasMultipleElements)
            {
                return false;
            }

            var (oid, value) = _rdns[index++];
            if (rdn.GetSingleElementType().Value != oid || rdn.GetSingleElementValue() is not { } actual || !value.Matches(actual))
            {
                return false;
            }
        }

        return index == _rdns.Count;
    }

    public override string ToString() => Text;
}
