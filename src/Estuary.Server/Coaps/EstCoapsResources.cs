using System.Security.Cryptography;
using System.Text;
using Estuary.Protocol;
using Estuary.Protocol.Coap;
using Estuary.Ra;

namespace Estuary.Server.Coaps;

/// <summary>
/// The EST-coaps resources of RFC 9148 §4.1 under /.well-known/est and /.well-known/est/{label}: crts (RFC 7030
/// /cacerts), sen (/simpleenroll), sren (/simplereenroll), skg and skc (/serverkeygen), att (/csrattrs), and their
/// discovery in /.well-known/core (RFC 6690). Like the HTTP endpoints they decode at the edge and ask the RA, which
/// authenticates, authorizes, applies the template and audits exactly as for HTTPS.
/// </summary>
public sealed class EstCoapsResources(RegistrationAuthority ra)
{
    public const string WellKnown = ".well-known";
    public const string Est = "est";

    /// <summary>Each resource: its short name (RFC 9148 §4.1 Table 1), rt value and the Content-Formats it answers with.</summary>
    private static readonly (string Name, string Ct)[] Resources =
    [
        ("crts", "281 287"), ("sen", "281 287"), ("sren", "281 287"), ("skg", "62"), ("skc", "62"), ("att", "285"),
    ];

    public Task<CoapResponse> DispatchAsync(CoapRequest request, CoapsPeer peer, CancellationToken cancellationToken)
    {
        var path = request.Path;
        if (path is [WellKnown, "core"])
        {
            return Task.FromResult(request.Method == CoapCode.Get ? Discovery(request.Query) : NotAllowed("GET"));
        }

        var (label, operation) = path switch
        {
            [WellKnown, Est, var op] => ("", op),
            [WellKnown, Est, var l, var op] => (l, op),
            _ => ("", ""),
        };
        return operation switch
        {
            "crts" => request.Method == CoapCode.Get ? CaCertsAsync(label, request.Accept, cancellationToken) : Task.FromResult(NotAllowed("GET")),
            "att" => Task.FromResult(request.Method == CoapCode.Get ? CsrAttributes(label, request.Accept) : NotAllowed("GET")),
            "sen" or "sren" or "skg" or "skc" => request.Method == CoapCode.Post
                ? EnrollAsync(operation, label, request, peer, cancellationToken)
                : Task.FromResult(NotAllowed("POST")),
            _ => Task.FromResult(CoapResponse.Diagnostic(CoapCode.NotFound, $"no EST-coaps resource at {request.PathText} (RFC 9148 §4.1; see /.well-known/core)")),
        };
    }

    /// <summary>RFC 9148 §4.1 and RFC 6690 §4: the resources with rt="ace.est.*" and their ct; rt= filters.</summary>
    private static CoapResponse Discovery(IReadOnlyList<string> query)
    {
        var filter = query.FirstOrDefault(q => q.StartsWith("rt=", StringComparison.Ordinal))?[3..];
        var links = new List<string> { $"</{WellKnown}/{Est}>;rt=\"ace.est\"" };
        links.AddRange(Resources.Select(r => $"</{WellKnown}/{Est}/{r.Name}>;rt=\"ace.est.{r.Name}\";ct=\"{r.Ct}\""));
        if (filter is not null)
        {
            // RFC 6690 §4.1: a trailing '*' matches any suffix.
            links = links.Where(l => RtOf(l) is { } rt && (filter.EndsWith('*') ? rt.StartsWith(filter[..^1], StringComparison.Ordinal) : rt == filter)).ToList();
        }

        return new CoapResponse(CoapCode.Content, CoapContentFormat.LinkFormat, Encoding.UTF8.GetBytes(string.Join(',', links)));
    }

    private static string? RtOf(string link)
    {
        var start = link.IndexOf("rt=\"", StringComparison.Ordinal);
        return start < 0 ? null : link[(start + 4)..link.IndexOf('"', start + 4)];
    }

    private async Task<CoapResponse> CaCertsAsync(string label, int? accept, CancellationToken cancellationToken)
    {
        if (accept is not (null or CoapContentFormat.CertsOnly or CoapContentFormat.PkixCert))
        {
            return NotAcceptable(accept.Value, "281 or 287");
        }

        var result = await ra.GetCaCertsAsync(label, cancellationToken);
        if (result.Value is not { } certsOnly)
        {
            return Error(result.Error!);
        }

        if (accept != CoapContentFormat.PkixCert)
        {
            return new CoapResponse(CoapCode.Content, CoapContentFormat.CertsOnly, certsOnly);
        }

        // RFC 9148 §4.1: a single certificate only makes sense when the CA has one; otherwise the client needs 281.
        var certificates = CertsOnly.Decode(certsOnly);
        return certificates.Count == 1
            ? new CoapResponse(CoapCode.Content, CoapContentFormat.PkixCert, certificates[0])
            : CoapResponse.Diagnostic(CoapCode.NotAcceptable, $"the CA certificates are {certificates.Count}; ask for Content-Format 281 (certs-only)");
    }

    private CoapResponse CsrAttributes(string label, int? accept)
    {
        if (accept is not (null or CoapContentFormat.CsrAttrs))
        {
            return NotAcceptable(accept.Value, "285");
        }

        var result = ra.GetCsrAttributes(label);
        if (!result.IsSuccess)
        {
            return Error(result.Error!);
        }

        // RFC 7030 §4.5.2's 204 (no attributes wanted) becomes 2.05 with no payload.
        return result.Value is { } der
            ? new CoapResponse(CoapCode.Content, CoapContentFormat.CsrAttrs, der)
            : new CoapResponse(CoapCode.Content, null, []);
    }

    private async Task<CoapResponse> EnrollAsync(string operation, string label, CoapRequest request, CoapsPeer peer, CancellationToken cancellationToken)
    {
        var keyGeneration = operation is "skg" or "skc";
        // RFC 9148 §4.4, §4.8: sen and sren answer 281 or 287; skg and skc answer multipart-core (62).
        if (keyGeneration ? request.Accept is not (null or CoapContentFormat.MultipartCore)
                          : request.Accept is not (null or CoapContentFormat.CertsOnly or CoapContentFormat.PkixCert))
        {
            return NotAcceptable(request.Accept!.Value, keyGeneration ? "62" : "281 or 287");
        }

        if (request.ContentFormat != CoapContentFormat.Pkcs10)
        {
            return CoapResponse.Diagnostic(CoapCode.UnsupportedContentFormat, "the request must be Content-Format 286 (application/pkcs10, binary DER; RFC 9148 §4.3)");
        }

        CertificationRequest csr;
        try
        {
            csr = CertificationRequest.Decode(request.Body);
        }
        catch (EstProtocolException e)
        {
            return CoapResponse.Diagnostic(CoapCode.BadRequest, e.Message);
        }

        var context = peer.Context(label);
        if (keyGeneration)
        {
            return await ServerKeyGenAsync(context, csr, bareCertificate: operation == "skc", cancellationToken);
        }

        var result = operation == "sren"
            ? await ra.ReenrollAsync(context, csr, cancellationToken)
            : await ra.EnrollAsync(context, csr, cancellationToken);
        if (result.Value is not { } issued)
        {
            return Error(result.Error!);
        }

        return request.Accept == CoapContentFormat.PkixCert
            ? new CoapResponse(CoapCode.Changed, CoapContentFormat.PkixCert, issued.Der)
            : new CoapResponse(CoapCode.Changed, CoapContentFormat.CertsOnly, CertsOnly.Encode([issued.Der]));
    }

    /// <summary>
    /// RFC 9148 §4.8: /skg answers the key (284 PKCS#8, or 280 when the client asked for it encrypted) and the
    /// certificate as certs-only (281); /skc the same key with the bare certificate (287).
    /// </summary>
    private async Task<CoapResponse> ServerKeyGenAsync(EstRequestContext context, CertificationRequest csr, bool bareCertificate, CancellationToken cancellationToken)
    {
        var result = await ra.ServerKeyGenAsync(context, csr, cancellationToken);
        if (result.Value is not { } generated)
        {
            return Error(result.Error!);
        }

        try
        {
            var key = generated.EncryptedKey is { } encrypted
                ? new MultipartCorePart(CoapContentFormat.ServerGeneratedKey, encrypted)
                : new MultipartCorePart(CoapContentFormat.Pkcs8, generated.PrivateKeyInfo);
            var certificate = bareCertificate
                ? new MultipartCorePart(CoapContentFormat.PkixCert, generated.Certificate.Der)
                : new MultipartCorePart(CoapContentFormat.CertsOnly, CertsOnly.Encode([generated.Certificate.Der]));
            return new CoapResponse(CoapCode.Changed, CoapContentFormat.MultipartCore, MultipartCore.Encode([key, certificate]));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(generated.PrivateKeyInfo);
        }
    }

    private static CoapResponse NotAllowed(string method) => CoapResponse.Diagnostic(CoapCode.MethodNotAllowed, $"this resource takes {method} only (RFC 9148 §4.1)");

    private static CoapResponse NotAcceptable(int accept, string offered) =>
        CoapResponse.Diagnostic(CoapCode.NotAcceptable, $"Accept {accept} is not offered here; this resource answers {offered} (RFC 9148 §4.1)");

    /// <summary>
    /// The RA's refusal as a CoAP code, in one place (RFC 9148 §5.5 maps the HTTP codes of RFC 7030). "Retry later"
    /// (HTTP 202 + Retry-After, 503) becomes 5.03 with Max-Age (RFC 9148 §4.7); 429 becomes 4.29 (RFC 8516).
    /// </summary>
    public static CoapResponse Error(EstError error)
    {
        var maxAge = error.RetryAfter is { } retry ? (uint)Math.Ceiling(retry.TotalSeconds) : (uint?)null;
        var code = error.Kind switch
        {
            EstErrorKind.BadRequest => CoapCode.BadRequest,
            EstErrorKind.Unauthorized => CoapCode.Unauthorized,
            EstErrorKind.Forbidden => CoapCode.Forbidden,
            EstErrorKind.NotFound => CoapCode.NotFound,
            EstErrorKind.PayloadTooLarge => CoapCode.RequestEntityTooLarge,
            EstErrorKind.UnsupportedMediaType => CoapCode.UnsupportedContentFormat,
            EstErrorKind.TooManyRequests => CoapCode.TooManyRequests,
            EstErrorKind.Pending => CoapCode.ServiceUnavailable,
            EstErrorKind.Unavailable => CoapCode.ServiceUnavailable,
            EstErrorKind.BadGateway => CoapCode.BadGateway,
            _ => CoapCode.InternalServerError,
        };
        var reason = error.Kind == EstErrorKind.Pending
            ? $"the request waits for approval; repeat it with the same CSR after {maxAge ?? 60} seconds (RFC 9148 §4.7)"
            : error.Message;
        return CoapResponse.Diagnostic(code, reason, error.Kind is EstErrorKind.Pending or EstErrorKind.Unavailable or EstErrorKind.TooManyRequests ? maxAge ?? 60 : null);
    }
}
