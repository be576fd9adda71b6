using System.Formats.Asn1;
using System.Text;

namespace Estuary.Protocol;

/// <summary>
/// Reads the string value of a subject attribute or a CSR attribute: every ASN.1 string type a
/// DirectoryString (RFC 5280 §4.1.2.4, X.520) or a PKCS#9 attribute (RFC 2985) can be written in. Whatever the
/// bytes, it returns text or throws <see cref="EstProtocolException"/>; nothing else escapes.
/// </summary>
public static class DirectoryString
{
    /// <summary>
    /// UTF-32BE, refusing surrogates and values above U+10FFFF. System.Formats.Asn1 has no UniversalString
    /// decoder, so this one is ours.
    /// </summary>
    private static readonly UTF32Encoding UniversalStringEncoding = new(bigEndian: true, byteOrderMark: false, throwOnInvalidCharacters: true);

    /// <summary>Decodes one DER string value; <paramref name="tag"/> is the universal type it was written in.</summary>
    /// <exception cref="EstProtocolException">Not DER, not a string type, or bytes that type does not allow.</exception>
    public static string Decode(ReadOnlyMemory<byte> encoded, out UniversalTagNumber tag)
    {
        tag = default;
        try
        {
            var reader = new AsnReader(encoded, AsnEncodingRules.DER);
            var asnTag = reader.PeekTag();
            if (asnTag.TagClass != TagClass.Universal || asnTag.IsConstructed)
            {
                throw new EstProtocolException("an attribute value is not an ASN.1 string (RFC 5280 §4.1.2.4 DirectoryString)");
            }

            var number = (UniversalTagNumber)asnTag.TagValue;
            var text = number switch
            {
                UniversalTagNumber.UTF8String or UniversalTagNumber.PrintableString or UniversalTagNumber.IA5String
                    or UniversalTagNumber.BMPString or UniversalTagNumber.NumericString or UniversalTagNumber.VisibleString
                    => reader.ReadCharacterString(number),

                // TeletexString (T.61) has no usable character map: in practice its bytes are ISO-8859-1, and that is
                // how relying parties show it (OpenSSL prints the octets as Latin-1, browsers do the same). Reading
                // it as Latin-1 never fails, so a legal TeletexString value is issued, byte-exact, as the client sent it.
                UniversalTagNumber.TeletexString => Encoding.Latin1.GetString(Primitive(reader, number).Span),
                UniversalTagNumber.UniversalString => UniversalStringEncoding.GetString(Primitive(reader, number).Span),
                _ => throw new EstProtocolException($"an attribute value is ASN.1 type {(int)number}, not a string type (UTF8String, PrintableString, IA5String, TeletexString, BMPString, UniversalString, NumericString or VisibleString)"),
            };
            reader.ThrowIfNotEmpty();
            tag = number;
            return text;
        }
        catch (AsnContentException e)
        {
            throw new EstProtocolException("an attribute value is not a valid DER string: " + e.Message, e);
        }
        catch (DecoderFallbackException e)
        {
            throw new EstProtocolException("an attribute value holds bytes its string type does not allow", e);
        }
    }

    private static ReadOnlyMemory<byte> Primitive(AsnReader reader, UniversalTagNumber number) =>
        reader.TryReadPrimitiveCharacterStringBytes(new Asn1Tag(number), out var contents)
            ? contents
            : throw new EstProtocolException("an attribute value is a constructed string, which DER does not allow (X.690 §10.2)");
}
