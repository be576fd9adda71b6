using System.Net;
using System.Net.Http.Headers;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Estuary.Protocol;

namespace Estuary.Client;

/// <summary>
/// An EST client (RFC 7030 as updated by RFC 8951): one typed method per operation. Reads tolerantly
/// (base64 with or without line breaks, Content-Transfer-Encoding or not, media-type parameters in any
/// order) and writes strictly (64-column base64, Content-Length, Content-Type application/pkcs10).
/// /fullcmc (§4.3) is in EstClient.FullCmc.cs.
/// </summary>
public sealed partial class EstClient : IDisposable
{
    private const int MaxBodyBytes = 1024 * 1024;
    private const int MaxReasonChars = 500;

    private readonly EstClientOptions _options;
    private readonly SemaphoreSlim _setup = new(1, 1);
    private HttpClient? _http;
    private ServerTrust? _trust;

    public EstClient(EstClientOptions options)
    {
        _options = options;
        if (options.TrustAnchors.Count == 0 && options.TrustFingerprint is { } fingerprint)
        {
            TrustFingerprint.Normalize(fingerprint); // fail early on a malformed fingerprint
        }
    }

    /// <summary>The trust anchors in use: the explicit ones, or the root accepted by the bootstrap (empty: system store).</summary>
    public X509Certificate2Collection TrustAnchors { get; private set; } = [];

    /// <summary>True when the trust anchor was accepted by fingerprint during this client's bootstrap (RFC 7030 §4.1.1).</summary>
    public bool Bootstrapped { get; private set; }

    /// <summary>/cacerts (RFC 7030 §4.1): the current CA certificates. No authentication.</summary>
    public async Task<CaCertificates> GetCaCertsAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, "cacerts", null, cancellationToken);
        return new CaCertificates(ReadCertsOnly(response));
    }

    /// <summary>/csrattrs (RFC 7030 §4.5): what the server wants in a CSR; empty on 204.</summary>
    public async Task<CsrAttributesInfo> GetCsrAttributesAsync(CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Get, "csrattrs", null, cancellationToken);
        if (response.Status == HttpStatusCode.NoContent || response.Body.AsSpan().Trim(" \r\n\t"u8).IsEmpty)
        {
            return CsrAttributesInfo.Empty;
        }

        ExpectType(response, EstMediaTypes.CsrAttrs);
        return Wrap(() => CsrAttributesInfo.Decode(EstBase64.Decode(response.Body)));
    }

    /// <summary>/simpleenroll (RFC 7030 §4.2.1) with a DER PKCS#10.</summary>
    public Task<EnrollmentResult> SimpleEnrollAsync(byte[] csrDer, CancellationToken cancellationToken = default) =>
        EnrollAsync("simpleenroll", csrDer, cancellationToken);

    /// <summary>/simplereenroll (RFC 7030 §4.2.2): authenticate with the certificate being renewed (<see cref="EstClientOptions.ClientCertificate"/>).</summary>
    public Task<EnrollmentResult> SimpleReenrollAsync(byte[] csrDer, CancellationToken cancellationToken = default) =>
        EnrollAsync("simplereenroll", csrDer, cancellationToken);

    /// <summary>
    /// /serverkeygen (RFC 7030 §4.4, RFC 8951 §5): the server generates the key. The answer is multipart/mixed
    /// with an application/pkcs8 part and a certs-only part; a PKCS#1 or SEC1 key labelled pkcs8 is wrapped.
    /// </summary>
    public async Task<ServerGeneratedKey> ServerKeyGenAsync(byte[] csrDer, CancellationToken cancellationToken = default)
    {
        var response = await SendAsync(HttpMethod.Post, "serverkeygen", csrDer, cancellationToken);
        ExpectType(response, EstMediaTypes.MultipartMixed);
        return ReadServerKeyGen(response.ContentType, response.Body);
    }

    /// <summary>Decodes a serverkeygen multipart/mixed body (exposed for tests on captured answers).</summary>
    /// <exception cref="EstClientException">The body is not a valid serverkeygen answer (kind Protocol).</exception>
    public static ServerGeneratedKey ReadServerKeyGen(string? contentType, byte[] body) => Wrap(() => ReadServerKeyGenCore(contentType, body));

    private static ServerGeneratedKey ReadServerKeyGenCore(string? contentType, byte[] body)
    {
        byte[]? key = null;
        List<X509Certificate2>? certificates = null;
        foreach (var part in MultipartMixed.Parse(contentType, body))
        {
            if (EstMediaTypes.Matches(part.ContentType, EstMediaTypes.Pkcs8))
            {
                key = PrivateKeyNormalizer.ToPkcs8(EstBase64.Decode(part.Content));
            }
            else if (EstMediaTypes.Matches(part.ContentType, EstMediaTypes.Pkcs7Mime))
            {
                var smime = EstMediaTypes.Parameter(part.ContentType, "smime-type");
                if (string.Equals(smime, "server-generated-key", StringComparison.OrdinalIgnoreCase))
                {
                    throw new EstProtocolException("the server sent an encrypted key (RFC 7030 §4.4.2 server-generated-key); this client asks for an unencrypted PKCS#8 key over TLS");
                }

                certificates = CertsOnly.Decode(EstBase64.Decode(part.Content)).Select(X509CertificateLoader.LoadCertificate).ToList();
            }
        }

        if (key is null || certificates is null || certificates.Count == 0)
        {
            throw new EstProtocolException("the serverkeygen answer lacks an application/pkcs8 part or a certs-only part (RFC 7030 §4.4.2)");
        }

        var spki = PublicKeyOf(key);
        var certificate = spki is null ? certificates[0] : certificates.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki)) ?? certificates[0];
        return new ServerGeneratedKey(key, certificate, certificates.Where(c => !ReferenceEquals(c, certificate)).ToList());
    }

    /// <summary>Decodes a certs-only body (exposed for tests on captured answers).</summary>
    public static IReadOnlyList<X509Certificate2> ReadCertsOnly(byte[] body) =>
        Wrap(() => CertsOnly.Decode(DecodeBody(body)).Select(X509CertificateLoader.LoadCertificate).ToList());

    private async Task<EnrollmentResult> EnrollAsync(string operation, byte[] csrDer, CancellationToken cancellationToken)
    {
        var spki = Wrap(() => CertificationRequest.Decode(csrDer).SubjectPublicKeyInfo.ToArray());
        var response = await SendAsync(HttpMethod.Post, operation, csrDer, cancellationToken);
        ExpectType(response, EstMediaTypes.Pkcs7Mime);
        var certificates = ReadCertsOnly(response);
        if (certificates.Count == 0)
        {
            throw new EstClientException(EstClientErrorKind.Protocol, $"the {operation} answer holds no certificate");
        }

        // RFC 7030 §4.2.3: the answer holds the issued certificate; pick it by its key, others are chain.
        var issued = certificates.FirstOrDefault(c => c.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(spki))
            ?? throw new EstClientException(EstClientErrorKind.Protocol, $"the {operation} answer holds no certificate for the key of the request");
        return new EnrollmentResult(issued, certificates.Where(c => !ReferenceEquals(c, issued)).ToList());
    }

    private static IReadOnlyList<X509Certificate2> ReadCertsOnly(EstResponse response) => ReadCertsOnly(response.Body);

    /// <summary>RFC 8951 §3: the body is base64. A DER body (some servers send binary) is accepted as it is.</summary>
    private static byte[] DecodeBody(byte[] body) =>
        body.Length > 0 && body[0] == 0x30 ? body : EstBase64.Decode(body);

    private static byte[]? PublicKeyOf(byte[] pkcs8)
    {
        if (MlKemKeys.IsMlKemPrivateKey(pkcs8))
        {
            return MlKemKeys.PublicKeyInfoOf(pkcs8); // RFC 9935: derived from the seed or the expanded key
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportPkcs8PrivateKey(pkcs8, out _);
            return rsa.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
        }

        try
        {
            using var ec = ECDsa.Create();
            ec.ImportPkcs8PrivateKey(pkcs8, out _);
            return ec.ExportSubjectPublicKeyInfo();
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static T Wrap<T>(Func<T> decode)
    {
        try
        {
            return decode();
        }
        catch (EstProtocolException e)
        {
            throw new EstClientException(EstClientErrorKind.Protocol, "the server's answer is not valid EST: " + e.Message, innerException: e);
        }
        catch (CryptographicException e)
        {
            throw new EstClientException(EstClientErrorKind.Protocol, "the server's answer holds an unreadable certificate or key: " + e.Message, innerException: e);
        }
    }

    private static void ExpectType(EstResponse response, string expected)
    {
        // Tolerant: a missing Content-Type is accepted; a different one is not (an HTML login page is not a certificate).
        if (response.ContentType is { Length: > 0 } type && !EstMediaTypes.Matches(type, expected))
        {
            throw new EstClientException(EstClientErrorKind.Protocol, $"expected {expected}, the server answered {type}");
        }
    }

    /// <summary>
    /// One EST exchange: Basic after a 401 challenge (or up front), 202 + Retry-After waited out within
    /// <see cref="EstClientOptions.MaxPendingWait"/> (RFC 7030 §4.2.3), each attempt bounded by the timeout.
    /// </summary>
    private async Task<EstResponse> SendAsync(HttpMethod method, string operation, byte[]? csrDer, CancellationToken cancellationToken, string mediaType = EstMediaTypes.Pkcs10)
    {
        var http = await GetHttpAsync(cancellationToken);
        var time = _options.TimeProvider;
        var hasCredentials = _options.Username is not null && _options.Password is not null;
        var sendCredentials = hasCredentials && _options.SendCredentialsUpFront;
        var pendingSince = time.GetUtcNow();
        var url = new Uri(_options.EstBase + "/" + operation);
        while (true)
        {
            using var request = new HttpRequestMessage(method, url);
            if (csrDer is not null)
            {
                request.Content = Pkcs10Content(csrDer, mediaType);
            }

            if (sendCredentials)
            {
                request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_options.Username + ":" + _options.Password)));
            }

            var (response, body) = await ExchangeAsync(http, request, operation, cancellationToken);
            using (response)
            {
                switch (response.StatusCode)
                {
                    case HttpStatusCode.Unauthorized when !sendCredentials && hasCredentials && response.Headers.WwwAuthenticate.Any(h => h.Scheme.Equals("Basic", StringComparison.OrdinalIgnoreCase)):
                        sendCredentials = true; // RFC 7030 §3.2.3: answer the Basic challenge once
                        continue;
                    case HttpStatusCode.Unauthorized:
                        throw new EstClientException(
                            EstClientErrorKind.Unauthorized,
                            hasCredentials ? $"{operation}: the server refused the credentials" + ReasonSuffix(body) : $"{operation}: the server wants authentication (a username and password, or a client certificate)" + ReasonSuffix(body),
                            response.StatusCode,
                            Reason(body));
                    case HttpStatusCode.Accepted:
                        await WaitForApprovalAsync(response, operation, pendingSince, cancellationToken);
                        continue;
                }

                if (!response.IsSuccessStatusCode)
                {
                    var reason = Reason(body) ?? response.ReasonPhrase;
                    throw new EstClientException(EstClientErrorKind.Refused, $"{operation}: the server answered {(int)response.StatusCode} {response.ReasonPhrase}" + (reason is null ? "" : ": " + reason), response.StatusCode, reason);
                }

                return new EstResponse(response.StatusCode, response.Content.Headers.ContentType?.ToString() ?? ContentTypeOf(response), body);
            }
        }
    }

    private static string? ContentTypeOf(HttpResponseMessage response) =>
        response.Content.Headers.TryGetValues("Content-Type", out var values) ? values.FirstOrDefault() : null;

    private async Task WaitForApprovalAsync(HttpResponseMessage response, string operation, DateTimeOffset pendingSince, CancellationToken cancellationToken)
    {
        var time = _options.TimeProvider;
        var now = time.GetUtcNow();
        var wait = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - now,
            _ => _options.DefaultRetryAfter,
        };
        if (wait < TimeSpan.FromSeconds(1))
        {
            wait = TimeSpan.FromSeconds(1);
        }

        var waited = now - pendingSince;
        if (waited + wait > _options.MaxPendingWait)
        {
            throw new EstClientException(
                EstClientErrorKind.PendingTimeout,
                $"{operation}: the server has accepted the request but not yet issued the certificate (202, Retry-After {wait.TotalSeconds:0} s) and the wait would exceed {_options.MaxPendingWait.TotalSeconds:0} s; ask the CA operator to approve it, then run the same command again",
                HttpStatusCode.Accepted)
            { RetryAfter = wait };
        }

        await Task.Delay(wait, time, cancellationToken);
    }

    private async Task<(HttpResponseMessage Response, byte[] Body)> ExchangeAsync(HttpClient http, HttpRequestMessage request, string operation, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.Timeout);
        HttpResponseMessage? response = null;
        try
        {
            response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = await ReadBoundedAsync(response, timeout.Token);
            return (response, body);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            response?.Dispose();
            throw new EstClientException(EstClientErrorKind.Timeout, $"{operation}: no answer from {_options.EstBase.GetLeftPart(UriPartial.Authority)} within {_options.Timeout.TotalSeconds:0.#} s", innerException: e);
        }
        catch (HttpRequestException e)
        {
            response?.Dispose();
            throw Classify(e, operation);
        }
    }

    private EstClientException Classify(HttpRequestException e, string operation)
    {
        var server = _options.EstBase.GetLeftPart(UriPartial.Authority);
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is AuthenticationException)
            {
                var why = _trust?.ServerCertificate is not null ? _trust.Explain() : "the TLS handshake failed: " + inner.Message;
                return new EstClientException(EstClientErrorKind.Trust, $"{operation}: cannot establish a trusted TLS connection to {server}: {why}", innerException: e);
            }
        }

        return new EstClientException(EstClientErrorKind.Network, $"{operation}: cannot reach {server}: {e.Message}", innerException: e);
    }

    private static async Task<byte[]> ReadBoundedAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxBodyBytes)
        {
            throw new EstClientException(EstClientErrorKind.Protocol, $"the server's answer is larger than {MaxBodyBytes} bytes");
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > MaxBodyBytes)
            {
                throw new EstClientException(EstClientErrorKind.Protocol, $"the server's answer is larger than {MaxBodyBytes} bytes");
            }
        }

        return buffer.ToArray();
    }

    /// <summary>The server's error text, trimmed and bounded, or null when the body is empty.</summary>
    private static string? Reason(byte[] body)
    {
        var text = Encoding.UTF8.GetString(body).Trim();
        if (text.Length == 0)
        {
            return null;
        }

        text = string.Join(" ", text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return text.Length > MaxReasonChars ? text[..MaxReasonChars] + "…" : text;
    }

    private static string ReasonSuffix(byte[] body) => Reason(body) is { } r ? ": " + r : "";

    /// <summary>RFC 7030 §4.2.1 / RFC 8951 §3: base64 DER in 64-column lines, Content-Type application/pkcs10, Content-Length set.</summary>
    private static ByteArrayContent Pkcs10Content(byte[] csrDer, string mediaType = EstMediaTypes.Pkcs10)
    {
        var content = new ByteArrayContent(EstBase64.Encode(csrDer, Base64Layout.Wrapped64));
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(mediaType);
        return content;
    }

    private async Task<HttpClient> GetHttpAsync(CancellationToken cancellationToken)
    {
        if (_http is not null)
        {
            return _http;
        }

        await _setup.WaitAsync(cancellationToken);
        try
        {
            if (_http is not null)
            {
                return _http;
            }

            var anchors = _options.TrustAnchors;
            if (anchors.Count == 0 && _options.TrustFingerprint is { } fingerprint)
            {
                anchors = [await BootstrapAsync(fingerprint, cancellationToken)];
                Bootstrapped = true;
            }

            TrustAnchors = anchors;
            _trust = ServerTrust.Anchored(anchors);
            _http = CreateHttp(_trust);
            return _http;
        }
        finally
        {
            _setup.Release();
        }
    }

    /// <summary>
    /// RFC 7030 §4.1.1 bootstrap: fetch /cacerts without authenticating the server, then accept the answer
    /// only if a root in it has the SHA-256 fingerprint the user was given out of band, and the TLS server
    /// certificate chains to that root. Nothing is accepted silently.
    /// </summary>
    private async Task<X509Certificate2> BootstrapAsync(string fingerprint, CancellationToken cancellationToken)
    {
        var trust = ServerTrust.Bootstrap();
        using var http = CreateHttp(trust);
        _trust = trust;
        var url = new Uri(_options.EstBase + "/cacerts");
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        var (response, body) = await ExchangeAsync(http, request, "cacerts (bootstrap)", cancellationToken);
        using (response)
        {
            if (!response.IsSuccessStatusCode)
            {
                throw new EstClientException(EstClientErrorKind.Refused, $"cacerts (bootstrap): the server answered {(int)response.StatusCode} {response.ReasonPhrase}", response.StatusCode, Reason(body));
            }
        }

        var certificates = ReadCertsOnly(body);
        var candidates = certificates.Where(CaCertificates.IsSelfSigned).ToList();
        if (candidates.Count == 0)
        {
            candidates = [.. certificates];
        }

        var expected = TrustFingerprint.Normalize(fingerprint);
        var root = candidates.FirstOrDefault(c => TrustFingerprint.Matches(c, expected));
        if (root is null)
        {
            var offered = string.Join(", ", candidates.Select(c => $"{c.Subject} SHA256 {TrustFingerprint.Of(c)}"));
            throw new EstClientException(EstClientErrorKind.Trust, $"bootstrap refused: no CA certificate from the server matches the fingerprint you gave; the server offered {offered}. Check the fingerprint with the CA operator; nothing was trusted");
        }

        if (trust.ServerCertificate is not { } server || !ChainsTo(server, root, certificates.Concat(trust.PresentedChain)))
        {
            throw new EstClientException(EstClientErrorKind.Trust, $"bootstrap refused: the root {root.Subject} matches the fingerprint, but the TLS server certificate does not chain to it");
        }

        return root;
    }

    private static bool ChainsTo(X509Certificate2 leaf, X509Certificate2 root, IEnumerable<X509Certificate2> intermediates)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.CustomTrustStore.Add(root);
        chain.ChainPolicy.ExtraStore.AddRange(intermediates.ToArray());
        return chain.Build(leaf);
    }

    private HttpClient CreateHttp(ServerTrust trust)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = _options.Timeout,
            AllowAutoRedirect = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        trust.Configure(handler);
        if (_options.ClientCertificate is { } certificate)
        {
            handler.SslOptions.ClientCertificates = [certificate];
            // Present the certificate even when the server's list of acceptable issuers is empty or different.
            handler.SslOptions.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }

        return new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public void Dispose()
    {
        _http?.Dispose();
        _setup.Dispose();
    }
}
