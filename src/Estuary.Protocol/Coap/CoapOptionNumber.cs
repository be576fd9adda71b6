namespace Estuary.Protocol.Coap;

/// <summary>
/// The option numbers EST-coaps uses (RFC 7252 §5.10, RFC 7959 §2.1, RFC 7252 §12.2 registry). An odd number is
/// critical (RFC 7252 §5.4.1): a request carrying an unrecognized critical option is refused with 4.02.
/// </summary>
public static class CoapOptionNumber
{
    public const int IfMatch = 1;
    public const int UriHost = 3;
    public const int ETag = 4;
    public const int IfNoneMatch = 5;
    public const int Observe = 6;
    public const int UriPort = 7;
    public const int LocationPath = 8;
    public const int UriPath = 11;
    public const int ContentFormat = 12;
    public const int MaxAge = 14;
    public const int UriQuery = 15;
    public const int Accept = 17;
    public const int LocationQuery = 20;
    public const int Block2 = 23;
    public const int Block1 = 27;
    public const int Size2 = 28;
    public const int ProxyUri = 35;
    public const int ProxyScheme = 39;
    public const int Size1 = 60;

    /// <summary>RFC 7252 §5.4.1: odd option numbers are critical.</summary>
    public static bool IsCritical(int number) => (number & 1) == 1;

    /// <summary>Options this server understands; a critical option outside this set gets 4.02 Bad Option.</summary>
    public static bool IsKnown(int number) => number is UriHost or ETag or Observe or UriPort or UriPath or ContentFormat
        or MaxAge or UriQuery or Accept or Block2 or Block1 or Size2 or Size1;
}
