namespace Estuary.Protocol.Coap;

/// <summary>
/// The value of a Block1 or Block2 option (RFC 7959 §2.2): a block number NUM (up to 20 bits), the M ("more")
/// flag and SZX, the block size exponent: size = 2^(SZX+4), 16 to 1024 bytes. SZX 7 is reserved.
/// </summary>
public readonly record struct CoapBlock(int Number, bool More, int SizeExponent)
{
    /// <summary>RFC 7959 §2.2: NUM fits in 20 bits (three option bytes).</summary>
    public const int MaxNumber = (1 << 20) - 1;

    /// <summary>SZX 6, 1024 bytes: the largest block (RFC 7959 §2.2).</summary>
    public const int MaxSizeExponent = 6;

    /// <summary>The block size in bytes.</summary>
    public int Size => 1 << (SizeExponent + 4);

    /// <summary>The byte offset of this block in the whole body.</summary>
    public long Offset => (long)Number * Size;

    /// <summary>The SZX of a block size (a power of two from 16 to 1024).</summary>
    public static int ExponentOf(int size) => size switch
    {
        16 => 0,
        32 => 1,
        64 => 2,
        128 => 3,
        256 => 4,
        512 => 5,
        1024 => 6,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "a block size is a power of two from 16 to 1024 (RFC 7959 §2.2)"),
    };

    /// <summary>Decodes an option value of 0–3 bytes; null with a reason when it is longer or uses SZX 7.</summary>
    public static CoapBlock? Decode(ReadOnlySpan<byte> value, out string? problem)
    {
        problem = null;
        if (value.Length > 3)
        {
            problem = $"a Block option is at most 3 bytes, this one is {value.Length} (RFC 7959 §2.2)";
            return null;
        }

        var raw = 0;
        foreach (var b in value)
        {
            raw = (raw << 8) | b;
        }

        var exponent = raw & 0x7;
        if (exponent == 7)
        {
            problem = "block size exponent 7 is reserved (RFC 7959 §2.2)";
            return null;
        }

        return new CoapBlock(raw >> 4, (raw & 0x8) != 0, exponent);
    }

    /// <summary>The option of <paramref name="number"/> (Block1 or Block2) holding this value in the fewest bytes.</summary>
    public CoapOption ToOption(int number)
    {
        if (Number is < 0 or > MaxNumber || SizeExponent is < 0 or > MaxSizeExponent)
        {
            throw new InvalidOperationException($"block {Number}/SZX {SizeExponent} cannot be encoded (RFC 7959 §2.2)");
        }

        return CoapOption.FromNumber(number, (uint)((Number << 4) | (More ? 0x8 : 0) | SizeExponent));
    }
}
