using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace Estuary.Server;

/// <summary>
/// Probes for load balancers and orchestrators, and Prometheus metrics: /healthz (the process answers),
/// /readyz (the database answers and the CA key signs), /metrics (Prometheus text format 0.0.4).
/// </summary>
public static class HealthEndpoints
{
    public const string HealthPath = "/healthz";
    public const string ReadyPath = "/readyz";
    public const string MetricsPath = "/metrics";

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder app)
    {
        app.MapGet(HealthPath, (HttpContext context) => EstHttp.WriteTextAsync(context, "ok"));
        app.MapGet(ReadyPath, ReadyAsync);
        app.MapGet(MetricsPath, MetricsAsync);
        return app;
    }

    private static async Task ReadyAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<IEstuaryStore>();
        var ca = context.RequestServices.GetRequiredService<CertificateAuthority>();
        var problems = new List<string>();
        if (!await store.IsAvailableAsync(context.RequestAborted))
        {
            problems.Add("database unreachable");
        }

        if (!CaKeySigns(ca))
        {
            problems.Add("CA key cannot sign");
        }

        if (problems.Count > 0)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "10";
            await EstHttp.WriteTextAsync(context, "not ready: " + string.Join("; ", problems));
            return;
        }

        await EstHttp.WriteTextAsync(context, "ready");
    }

    /// <summary>Signs a random challenge with the CA key and verifies it with the CA certificate (an HSM session can die).</summary>
    private static bool CaKeySigns(CertificateAuthority ca)
    {
        try
        {
            Span<byte> challenge = stackalloc byte[32];
            RandomNumberGenerator.Fill(challenge);
            var signature = ca.SigningKey.Sign(challenge);
            using var ec = ca.Certificate.GetECDsaPublicKey();
            if (ec is not null)
            {
                return ec.VerifyData(challenge, signature, HashOf(ca), DSASignatureFormat.Rfc3279DerSequence);
            }

            using var rsa = ca.Certificate.GetRSAPublicKey();
            return rsa is not null && rsa.VerifyData(challenge, signature, HashOf(ca), RSASignaturePadding.Pkcs1);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    private static HashAlgorithmName HashOf(CertificateAuthority ca)
    {
        var oid = new System.Formats.Asn1.AsnReader(ca.SigningKey.SignatureAlgorithm, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence().ReadObjectIdentifier();
        return oid switch
        {
            Protocol.Asn1.Oids.EcdsaWithSha384 or Protocol.Asn1.Oids.Sha384WithRsa => HashAlgorithmName.SHA384,
            Protocol.Asn1.Oids.EcdsaWithSha512 or Protocol.Asn1.Oids.Sha512WithRsa => HashAlgorithmName.SHA512,
            _ => HashAlgorithmName.SHA256,
        };
    }

    private static async Task MetricsAsync(HttpContext context)
    {
        var metrics = context.RequestServices.GetRequiredService<EstMetrics>();
        using var buffer = new MemoryStream();
        await metrics.Registry.CollectAndExportAsTextAsync(buffer, ExpositionFormat.PrometheusText, context.RequestAborted);
        context.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
        context.Response.ContentLength = buffer.Length;
        await context.Response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
    }
}
