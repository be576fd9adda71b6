using Estuary.Protocol;
using Microsoft.AspNetCore.Http;

namespace Estuary.Server;

/// <summary>
/// Chooses the base64 layout of a response so that every known client can read it (RFC 8951 §3 allows
/// both). strongSwan 5.9.8 decodes only unbroken base64; libest 3.2.0 only lines under ~1,000 characters;
/// curl+openssl and Bouncy Castle read either. So: answer in the layout the client itself sent; libest
/// (by User-Agent) gets 64-column lines; a request with no User-Agent, Accept or Connection header — the
/// signature of strongSwan's pki — gets one line; everyone else gets 64-column lines.
/// </summary>
public static class Base64LayoutPolicy
{
    public static Base64Layout Choose(HttpRequest request, Base64Layout? configured, bool? requestBodyWrapped)
    {
        if (configured is { } fixedLayout)
        {
            return fixedLayout;
        }

        var userAgent = request.Headers.UserAgent.ToString();
        if (userAgent.StartsWith("libest", StringComparison.OrdinalIgnoreCase))
        {
            return Base64Layout.Wrapped64;
        }

        if (requestBodyWrapped is { } wrapped)
        {
            return wrapped ? Base64Layout.Wrapped64 : Base64Layout.SingleLine;
        }

        var bare = userAgent.Length == 0 && request.Headers.Accept.Count == 0 && request.Headers.Connection.Count == 0;
        return bare ? Base64Layout.SingleLine : Base64Layout.Wrapped64;
    }
}
