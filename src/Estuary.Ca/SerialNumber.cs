using System.Security.Cryptography;

namespace Estuary.Ca;

/// <summary>
/// Certificate serial numbers: positive, at most 20 octets (RFC 5280 §4.1.2.2), from a CSPRNG with far
/// more than the 64 bits of entropy the CA/Browser Forum asks for, so nodes never coordinate.
/// </summary>
public static class SerialNumber
{
    public const int Length = 16;

    /// <summary>16 random octets, high bit clear (positive) and second-highest set (no leading zero octet in DER).</summary>
    public static byte[] Next()
    {
        var serial = new byte[Length];
        RandomNumberGenerator.Fill(serial);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x40);
        return serial;
    }

    public static string ToHex(ReadOnlySpan<byte> serial) => Convert.ToHexString(serial);
}
