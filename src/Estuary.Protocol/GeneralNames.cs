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
        // DER strings are primitive (X.690 §10.2); under DER a constructed one is already an AsnContentException.
        var reader = new AsnReader(encoded, AsnEncodingRules.DER);
        if (!reader.TryReadPrimitiveCharacterStringBytes(new Asn1Tag(TagClass.ContextSpecific, tagNumber), out var contents))
        {
            throw new EstProtocolException("subjectAltName holds a name that is not a primitive IA5String");
        }

        if (contents.Span.IndexOfAnyExceptInRange((byte)0, (byte)0x7F) >= 0)
        {
            // IA5String is ASCII. An IDN goes in its A-label (xn--) form (RFC 5280 §7.2); a UTF-8 mailbox is an
            // SmtpUTF8Mailbox otherName (RFC 9598), not an rfc822Name.
            throw new EstProtocolException("subjectAltName holds a name that is not IA5String (ASCII); write an IDN in its A-label (xn--) form, RFC 5280 §7.2");
        }

        if (contents.Length == 0)
        {
            throw new EstProtocolException("subjectAltName holds an empty name");
        }

        return System.Text.Encoding.ASCII.GetString(contents.Span);
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
