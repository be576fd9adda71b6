using System.Net;
using System.Net.Sockets;

namespace Estuary.Ra;

/// <summary>An address range in CIDR form for IP subjectAltNames ("192.0.2.0/24", "2001:db8::/32", or one address).</summary>
public sealed class IpRange
{
    private readonly byte[] _network;
    private readonly int _prefix;

    private IpRange(string text, byte[] network, int prefix)
    {
        Text = text;
        _network = network;
        _prefix = prefix;
    }

    public string Text { get; }

    public static bool TryParse(string text, out IpRange? range)
    {
        range = null;
        var parts = text.Trim().Split('/');
        if (parts.Length > 2 || !IPAddress.TryParse(parts[0], out var address))
        {
            return false;
        }

        var bytes = address.GetAddressBytes();
        var prefix = bytes.Length * 8;
        if (parts.Length == 2 && (!int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out prefix) || prefix < 0 || prefix > bytes.Length * 8))
        {
            return false;
        }

        range = new IpRange(text.Trim(), bytes, prefix);
        return true;
    }

    public bool Contains(string address)
    {
        if (!IPAddress.TryParse(address, out var ip) || ip.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
        {
            return false;
        }

        var bytes = ip.GetAddressBytes();
        if (bytes.Length != _network.Length)
        {
            return false;
        }

        for (var bit = 0; bit < _prefix; bit++)
        {
            var mask = 0x80 >> (bit % 8);
            if ((bytes[bit / 8] & mask) != (_network[bit / 8] & mask))
            {
                return false;
            }
        }

        return true;
    }

    public override string ToString() => Text;
}
