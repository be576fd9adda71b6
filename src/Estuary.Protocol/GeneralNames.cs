using System.Formats.Asn1;
using System.Net;

namespace Estuary.Protocol;

/// <summary>
/// The GeneralNames of a subjectAltName extension (RFC 5280 §4.2.1.6), read into (type, text, DER) so
/// that policy can look at each name and re-enrollment can compare them as sets.
/// </summary>
public static class GeneralNames
{
    public const int MaxNames = 1000;

    /// <exception cref="EstProtocolException">Not a DER GeneralNames.</exception>
    public static IReadOnlyList<GeneralName> Read(ReadOnlyMemory<byte> extensionValue)
    {
        try
        {
            var outer = new AsnReader(extensionValue, AsnEncodingRules.DER);
            var sequence = outer.ReadSequence();
            outer.ThrowIfNotEmpty();
            var names = new List<GeneralName>();
            while (sequence.HasData)
            {
                if (names.Count >= MaxNames)
                {
                    throw new EstProtocolException($"subjectAltName holds more than {MaxNames} names");
                }

                var tag = sequence.PeekTag();
                var encoded = sequence.ReadEncodedValue();
                if (tag.TagClass != TagClass.ContextSpecific)
                {
                    throw new EstProtocolException("subjectAltName holds a name that is not a GeneralName");
                }

                names.Add(tag.TagValue switch
                {
                    1 => new GeneralName(GeneralNameType.Email, ReadIa5(encoded, 1), encoded),
                    2 => new GeneralName(GeneralNameType.Dns, ReadIa5(encoded, 2), encoded),
                    6 => new GeneralName(GeneralNameType.Uri, ReadIa5(encoded, 6), encoded),
                    7 => new GeneralName(GeneralNameType.IpAddress, ReadIp(encoded), encoded),
                    0 => new GeneralName(GeneralNameType.OtherName, "othername", encoded),
                    4 => new GeneralName(GeneralNameType.DirectoryName, "dirname", encoded),
                    8 => new GeneralName(GeneralNameType.RegisteredId, "rid", encoded),
                    _ => new GeneralName(GeneralNameType.Other, $"[{tag.TagValue}]", encoded),
                });
            }

            return names;
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("subjectAltName is not valid DER GeneralNames: " + e.Message, e);
        }
    }

    private static string ReadIa5(ReadOnlyMemory<byte> encoded, int tagNumber)
    {
        var reader = new AsnReader(encoded, AsnEncodingRules.DER);
        var text = reader.ReadCharacterString(UniversalTagNumber.IA5String, new Asn1Tag(TagClass.ContextSpecific, tagNumber));
        if (text.Length == 0)
        {
            throw new EstProtocolException("subjectAltName holds an empty name");
        }

        return text;
    }

    private static string ReadIp(ReadOnlyMemory<byte> encoded)
    {
        var bytes = new AsnReader(encoded, AsnEncodingRules.DER).ReadOctetString(new Asn1Tag(TagClass.ContextSpecific, 7));
        if (bytes.Length is not (4 or 16))
        {
            throw new EstProtocolException("subjectAltName holds an iPAddress that is neither 4 nor 16 octets");
        }

        return new IPAddress(bytes).ToString();
    }
}

public enum GeneralNameType
{
    Dns,
    IpAddress,
    Email,
    Uri,
    OtherName,
    DirectoryName,
    RegisteredId,
    Other,
}

/// <summary>One GeneralName: its type, a display form, and its DER.</summary>
public sealed record GeneralName(GeneralNameType Type, string Value, ReadOnlyMemory<byte> Encoded)
{
    public override string ToString() => Type switch
    {
        GeneralNameType.Dns => "DNS:" + Value,
        GeneralNameType.IpAddress => "IP:" + Value,
        GeneralNameType.Email => "email:" + Value,
        GeneralNameType.Uri => "URI:" + Value,
        _ => Value,
    };
}
