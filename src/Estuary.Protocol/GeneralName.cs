namespace Estuary.Protocol;

/// <summary>One GeneralName: its type, a display form, and its DER.</summary>
public sealed record GeneralName(GeneralNameType Type, string Value, ReadOnlyMemory<byte> Encoded)
{
    /// <summary>A dNSName whose leftmost label is the wildcard '*' (RFC 6125 §6.4.3); only a template that allows wildcards issues one.</summary>
    public bool IsWildcardDns => Type == GeneralNameType.Dns && NameSyntax.IsWildcardDnsName(Value);

    public override string ToString() => Type switch
    {
        GeneralNameType.Dns => "DNS:" + NameSyntax.Printable(Value),
        GeneralNameType.IpAddress => "IP:" + Value,
        GeneralNameType.Email => "email:" + NameSyntax.Printable(Value),
        GeneralNameType.Uri => "URI:" + NameSyntax.Printable(Value),
        _ => Value,
    };
}
