namespace Estuary.Protocol.Coap;

/// <summary>
/// A CoAP code, class.detail in one byte (RFC 7252 §3, §12.1): 0.xx requests, 2.xx success, 4.xx client
/// errors, 5.xx server errors. Only the codes EST-coaps needs are named (RFC 9148 §5.5).
/// </summary>
public readonly record struct CoapCode(byte Value)
{
    public static readonly CoapCode Empty = new(0x00);
    public static readonly CoapCode Get = new(0x01);
    public static readonly CoapCode Post = new(0x02);
    public static readonly CoapCode Put = new(0x03);
    public static readonly CoapCode Delete = new(0x04);

    public static readonly CoapCode Created = Of(2, 1);
    public static readonly CoapCode Changed = Of(2, 4);
    public static readonly CoapCode Content = Of(2, 5);

    /// <summary>2.31: more Block1 blocks are welcome (RFC 7959 §2.9.1).</summary>
    public static readonly CoapCode Continue = Of(2, 31);

    public static readonly CoapCode BadRequest = Of(4, 0);
    public static readonly CoapCode Unauthorized = Of(4, 1);
    public static readonly CoapCode BadOption = Of(4, 2);
    public static readonly CoapCode Forbidden = Of(4, 3);
    public static readonly CoapCode NotFound = Of(4, 4);
    public static readonly CoapCode MethodNotAllowed = Of(4, 5);
    public static readonly CoapCode NotAcceptable = Of(4, 6);

    /// <summary>4.08: a Block1 transfer is missing blocks or they came out of order (RFC 7959 §2.9.2).</summary>
    public static readonly CoapCode RequestEntityIncomplete = Of(4, 8);

    /// <summary>4.13: the request body is larger than the server takes; Size1 says how much it does (RFC 7959 §2.9.3).</summary>
    public static readonly CoapCode RequestEntityTooLarge = Of(4, 13);
    public static readonly CoapCode UnsupportedContentFormat = Of(4, 15);

    /// <summary>4.29 (RFC 8516): too many requests; Max-Age says when to come back.</summary>
    public static readonly CoapCode TooManyRequests = Of(4, 29);
    public static readonly CoapCode InternalServerError = Of(5, 0);
    public static readonly CoapCode BadGateway = Of(5, 2);
    public static readonly CoapCode ServiceUnavailable = Of(5, 3);

    /// <summary>The class: 0 request, 2 success, 4 client error, 5 server error.</summary>
    public int Class => Value >> 5;

    /// <summary>The detail, 0–31.</summary>
    public int Detail => Value & 0x1F;

    public bool IsRequest => Class == 0 && Value != 0;

    public static CoapCode Of(int codeClass, int detail) => new((byte)((codeClass << 5) | detail));

    /// <summary>"2.05", as RFC 7252 writes codes.</summary>
    public override string ToString() => $"{Class}.{Detail:00}";
}
