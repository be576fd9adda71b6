using System.Globalization;
using System.Text;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Estuary.Server;

/// <summary>
/// Abuse limits on the EST endpoints: a token bucket per client address and one per HTTP Basic user name
/// (Estuary:RateLimits), and the lockout of a (user, address) pair after failed logins. On PostgreSQL every node
/// counts in the same buckets and lockouts (<see cref="SharedRateLimiter"/>, <see cref="SharedLoginThrottle"/>);
/// on SQLite, one node, they live in process. A refused request gets 429, Retry-After and a reason; nothing else is done for it.
/// </summary>
public static class EstRateLimiting
{
    /// <summary>How often each node deletes full buckets and expired failure counts from the shared tables.</summary>
    public static readonly TimeSpan PurgeInterval = TimeSpan.FromMinutes(1);

    /// <summary>Registers <see cref="IRateLimiter"/> and <see cref="ILoginThrottle"/> for the store's kind.</summary>
    public static IServiceCollection AddEstRateLimiting(this IServiceCollection services, RateLimitOptions options, IEstuaryStore store, TimeProvider time)
    {
        services.AddSingleton(options);
        services.AddSingleton(new LocalRateLimiter(time));
        var lockout = TimeSpan.FromSeconds(options.LockoutSeconds);
        if (store is ILimitStore shared)
        {
            services.AddSingleton(shared);
            services.AddSingleton<IRateLimiter, SharedRateLimiter>();
            services.AddSingleton<ILoginThrottle>(new SharedLoginThrottle(shared, options.MaxFailedLogins, lockout: lockout));
            services.AddHostedService<SharedLimitsPurgeService>();
        }
        else
        {
            services.AddSingleton<IRateLimiter>(sp => sp.GetRequiredService<LocalRateLimiter>());
            services.AddSingleton<ILoginThrottle>(new LoginThrottle(time, options.MaxFailedLogins, lockout: lockout));
        }

        return services;
    }

    /// <summary>Checks the limits of every EST request (after the error middleware, which turns a failed lockout check into 503).</summary>
    public static WebApplication UseEstRateLimiting(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<RateLimitOptions>();
        var limiter = app.Services.GetRequiredService<IRateLimiter>();
        app.Use(async (context, next) =>
        {
            if (!IsEst(context) || Buckets(context, options) is not { Count: > 0 } buckets
                || await limiter.TryTakeAsync(buckets, context.RequestAborted) is not { } wait)
            {
                await next(context);
                return;
            }

            context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
            context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
            await EstHttp.WriteTextAsync(context, "too many requests from this client; slow down and retry after the Retry-After delay");
        });
        return app;
    }

    /// <summary>
    /// A full bucket holds two seconds' worth (a burst of 2 × rate), refilled at the rate. Address before account, always
    /// (the order the shared buckets are locked in).
    /// </summary>
    private static List<TokenBucket> Buckets(HttpContext context, RateLimitOptions options)
    {
        var buckets = new List<TokenBucket>(2);
        if (options.PerAddressPerSecond > 0)
        {
            buckets.Add(PerSecond("est-address:" + context.Connection.RemoteIpAddress, options.PerAddressPerSecond));
        }

        if (options.PerAccountPerSecond > 0 && BasicUser(context) is { } user)
        {
            buckets.Add(PerSecond("est-account:" + user, options.PerAccountPerSecond));
        }

        return buckets;
    }

    private static TokenBucket PerSecond(string key, int perSecond) => new(key, perSecond * 2, perSecond, TimeSpan.FromSeconds(1));

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
