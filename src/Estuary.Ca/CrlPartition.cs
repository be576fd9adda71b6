namespace Estuary.Ca;

/// <summary>
/// Which partition CRL (RFC 5280 §5.2.5, issuingDistributionPoint) a certificate belongs to: the last octet of its
/// serial number modulo the partition count. Serials are random (<see cref="SerialNumber"/>), so the partitions are of
/// near-equal size; the count is a power of two from 2 to 256, so it divides 256 and every partition gets the same
/// share of octet values. The function is fixed forever: certificates name their partition's URL for life.
/// </summary>
public static class CrlPartition
{
    public const int MinCount = 2;

    public const int MaxCount = 256;

    /// <summary>True for a power of two from 2 to 256.</summary>
    public static bool IsValidCount(int count) => count is >= MinCount and <= MaxCount && (count & (count - 1)) == 0;

    /// <summary>
    /// The partition of a serial number (its big-endian magnitude, as in DER or in hex). A leading zero octet does not
    /// change the last one, so the DER content octets and the minimal magnitude give the same answer.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not a valid count.</exception>
    /// <exception cref="ArgumentException">An empty serial.</exception>
    public static int IndexOf(ReadOnlySpan<byte> serial, int count)
    {
        if (!IsValidCount(count))
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "a CRL partition count is a power of two from 2 to 256");
        }

        if (serial.IsEmpty)
        {
            throw new ArgumentException("a serial number has at least one octet", nameof(serial));
        }

        return serial[^1] & (count - 1);
    }

    /// <summary>The file name of a partition under its issuer's folder: p{count}-{index}.crl.</summary>
    public static string FileName(int count, int index) => $"p{count}-{index}.crl";

    /// <summary>Reads a file name made by <see cref="FileName"/>: a valid count and 0 &lt;= index &lt; count, digits only, no leading zeros.</summary>
    public static bool TryParseFileName(string fileName, out int count, out int index)
    {
        count = 0;
        index = 0;
        if (!fileName.StartsWith('p') || !fileName.EndsWith(".crl", StringComparison.Ordinal))
        {
            return false;
        }

        var body = fileName.AsSpan(1, fileName.Length - 5);
        var dash = body.IndexOf('-');
        return dash > 0
            && TryParseNumber(body[..dash], out count)
            && TryParseNumber(body[(dash + 1)..], out index)
            && IsValidCount(count)
            && index < count;
    }

    // Digits only and no leading zero, so one partition has one URL (an ETag and a cached copy per name, not per spelling).
    private static bool TryParseNumber(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        if (text.Length is 0 or > 3 || (text.Length > 1 && text[0] == '0'))
        {
            return false;
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        return true;
    }
}
