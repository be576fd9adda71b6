namespace Estuary.Protocol.Coap;

/// <summary>One option instance: its number and its value bytes (RFC 7252 §3.1, §5.4).</summary>
public sealed record CoapOption(int Number, byte[] Value)
{
    /// <summary>An option carrying an unsigned integer in the fewest bytes (RFC 7252 §3.2 "uint": zero is no bytes).</summary>
    public static CoapOption FromNumber(int number, uint value)
    {
        var length = value == 0 ? 0 : value <= 0xFF ? 1 : value <= 0xFFFF ? 2 : value <= 0xFFFFFF ? 3 : 4;
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[length - 1 - i] = (byte)(value >> (8 * i));
        }

        return new CoapOption(number, bytes);
    }

    public static CoapOption FromText(int number, string value) => new(number, System.Text.Encoding.UTF8.GetBytes(value));

    /// <summary>The value as a uint (RFC 7252 §3.2); null when longer than four bytes.</summary>
    public uint? AsUint()
    {
        if (Value.Length > 4)
        {
            return null;
        }

        uint result = 0;
        foreach (var b in Value)
        {
            result = (result << 8) | b;
        }

        return result;
    }

    public string AsString() => System.Text.Encoding.UTF8.GetString(Value);
}
