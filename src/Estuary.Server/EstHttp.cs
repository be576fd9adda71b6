using System.Text;
using Estuary.Protocol;
using Estuary.Ra;
using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// The HTTP edge of EST: reading bounded bodies, parsing Authorization, and writing responses the way
/// every known client reads them — always Content-Length, never chunked, one write, and
/// Content-Transfer-Encoding: base64 (RFC 8951 makes it obsolete, Bouncy Castle 1.72 still needs it).
/// Every <see cref="EstError"/> becomes an HTTP status here and nowhere else.
/// </summary>
public static class EstHttp
{
    public static async Task WriteBase64Async(HttpContext context, string contentType, byte[] der, Base64Layout layout)
    {
        var body = EstBase64.Encode(der, layout);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.Headers["Content-Transfer-Encoding"] = "base64";
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body, context.RequestAborted);
    }

    public static Task WriteErrorAsync(HttpContext context, EstError error, string realm)
    {
        var response = context.Response;
        response.StatusCode = error.Kind switch
        {
            EstErrorKind.BadRequest => StatusCodes.Status400BadRequest,
            EstErrorKind.Unauthorized => StatusCodes.Status401Unauthorized,
            EstErrorKind.Forbidden => StatusCodes.Status403Forbidden,
            EstErrorKind.NotFound => StatusCodes.Status404NotFound,
            EstErrorKind.PayloadTooLarge => StatusCodes.Status413PayloadTooLarge,
            EstErrorKind.UnsupportedMediaType => StatusCodes.Status415UnsupportedMediaType,
            EstErrorKind.TooManyRequests => StatusCodes.Status429TooManyRequests,
            EstErrorKind.Pending => StatusCodes.Status202Accepted,
            EstErrorKind.Unavailable => StatusCodes.Status503ServiceUnavailable,
            EstErrorKind.BadGateway => StatusCodes.Status502BadGateway,
            _ => StatusCodes.Status500InternalServerError,
        };
        if (error.RetryAfter is { } retry)
        {
            response.Headers.RetryAfter = ((int)Math.Ceiling(retry.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        if (error.Kind == EstErrorKind.Pending)
        {
            // RFC 7030 §4.2.3: 202 + Retry-After, no body. Bouncy Castle 1.72 fails on a body it does not read.
            response.ContentLength = 0;
            return Task.CompletedTask;
        }

        if (error.Kind == EstErrorKind.Unauthorized)
        {
            response.Headers.WWWAuthenticate = $"Basic realm=\"{realm}\", charset=\"UTF-8\"";
            if (context.Request.Headers.Authorization.Count == 0)
            {
                // The challenge to a client that sent no credentials has an empty body: Bouncy Castle 1.72
                // fails on a 401 whose body it does not read ("Stream closed before limit fully read").
                response.ContentLength = 0;
                return Task.CompletedTask;
            }
        }

        return WriteTextAsync(context, error.Message);
    }

    public static Task WriteTextAsync(HttpContext context, string message)
    {
        var body = Encoding.UTF8.GetBytes(message + "\n");
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.ContentLength = body.Length;
        return context.Response.Body.WriteAsync(body, context.RequestAborted).AsTask();
    }

    /// <summary>Reads the whole request body, refusing more than <paramref name="limit"/> bytes.</summary>
    /// <returns>The body, or null when too large (the caller answers 413).</returns>
    public static async Task<byte[]?> ReadBodyAsync(HttpRequest request, int limit)
    {
        var aborted = request.HttpContext.RequestAborted;
        if (request.ContentLength is { } declared)
        {
            if (declared > limit)
            {
                return null;
            }

            var exact = new byte[declared];
            await request.Body.ReadExactlyAsync(exact, aborted);
            return exact;
        }

        // Chunked or close-delimited: grow up to the limit.
        var buffer = new byte[4096];
        var total = 0;
        while (true)
        {
            if (total == buffer.Length)
            {
                if (buffer.Length > limit)
                {
                    return null;
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, limit + 1));
            }

            var read = await request.Body.ReadAsync(buffer.AsMemory(total), aborted);
            if (read == 0)
            {
                return buffer.AsSpan(0, total).ToArray();
            }

            total += read;
        }
    }

    /// <summary>Parses "Authorization: Basic base64(user:password)" (RFC 7617); null when absent or not Basic.</summary>
    /// <exception cref="FormatException">A Basic header that is not base64 of user:password.</exception>
    public static BasicCredentials? ParseBasic(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..].Trim()));
        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            throw new FormatException("Basic credentials lack the ':' between user name and password");
        }

        return new BasicCredentials(decoded[..colon], decoded[(colon + 1)..]);
    }
}
