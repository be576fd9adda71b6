using Estuary.Protocol;
using Estuary.Ra;
using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// Turns an HTTP request into the RA's inputs: label, credentials, client certificate and a verified
/// PKCS#10. Bad input stops here with a reason (RFC 7030 §4.2.1, RFC 8951 §3).
/// </summary>
public static class EstRequestReader
{
    public static async Task<EstResult<(EstRequestContext Context, CertificationRequest Csr, bool Wrapped)>> ReadPkcs10Async(
        HttpContext http, string? label, EstuaryOptions options)
    {
        var context = ReadContext(http, label, out var credentialsError);
        if (credentialsError is not null)
        {
            return credentialsError;
        }

        if (!EstMediaTypes.Matches(http.Request.ContentType, EstMediaTypes.Pkcs10))
        {
            return new EstError(EstErrorKind.UnsupportedMediaType, "Content-Type must be application/pkcs10 (RFC 7030 §4.2.1)");
        }

        var body = await EstHttp.ReadBodyAsync(http.Request, options.MaxRequestBodyBytes);
        if (body is null)
        {
            return new EstError(EstErrorKind.PayloadTooLarge, $"the request body is larger than {options.MaxRequestBodyBytes} bytes");
        }

        try
        {
            // RFC 8951 §3: the body is base64 whatever Content-Transfer-Encoding says; the header is ignored.
            var der = EstBase64.Decode(body);
            var csr = CertificationRequest.Decode(der);
            return EstResult<(EstRequestContext, CertificationRequest, bool)>.Ok((context, csr, EstBase64.IsWrapped(body)));
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }
    }

    public static EstRequestContext ReadContext(HttpContext http, string? label, out EstError? error)
    {
        error = null;
        BasicCredentials? basic = null;
        try
        {
            basic = EstHttp.ParseBasic(http.Request);
        }
        catch (FormatException)
        {
            error = EstError.Unauthorized("the Authorization header is not valid HTTP Basic (RFC 7617)");
        }

        return new EstRequestContext
        {
            Label = label ?? "",
            Basic = basic,
            ClientCertificate = http.Connection.ClientCertificate,
            RemoteAddress = http.Connection.RemoteIpAddress?.ToString() ?? "",
            ChannelBinding = TlsChannelBinding.Read(http),
        };
    }
}
