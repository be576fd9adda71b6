using System.Globalization;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Server;

/// <summary>
/// Token buckets per client address and per Basic user name on the EST endpoints (ASP.NET Core's rate
/// limiter). A refused request gets 429, Retry-After and a reason; nothing else is done for it.
/// </summary>
public static class EstRateLimiting
{
    public static IServiceCollection AddEstRateLimiting(this IServiceCollection services, RateLimitOptions options)
    {
        var byAddress = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            !IsEst(context) || options.PerAddressPerSecond <= 0
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetTokenBucketLimiter(
                    "ip:" + context.Connection.RemoteIpAddress,
                    _ => Bucket(options.PerAddressPerSecond)));
        var byAccount = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            !IsEst(context) || options.PerAccountPerSecond <= 0 || BasicUser(context) is not { } user
                ? RateLimitPartition.GetNoLimiter("")
                : RateLimitPartition.GetTokenBucketLimiter("user:" + user, _ => Bucket(options.PerAccountPerSecond)));

        return services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.CreateChained(byAddress, byAccount);
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                rejected.HttpContext.Response.Headers.RetryAfter = "1";
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retry))
                {
                    rejected.HttpContext.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                }

                await EstHttp.WriteTextAsync(rejected.HttpContext, "too many requests from this client; slow down and retry after the Retry-After delay");
            };
        });
    }

    private static TokenBucketRateLimiterOptions Bucket(int perSecond) => new()
    {
        TokenLimit = perSecond * 2,
        TokensPerPeriod = perSecond,
        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
        QueueLimit = 0,
        AutoReplenishment = true,
    };

    private static bool IsEst(HttpContext context) => context.Request.Path.StartsWithSegments(EstEndpoints.BasePath, StringComparison.Ordinal);

    private static string? BasicUser(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        Span<byte> decoded = stackalloc byte[256];
        if (!Convert.TryFromBase64String(header[6..].Trim(), decoded, out var length))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(decoded[..length]);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 ? text[..colon] : null;
    }
}
