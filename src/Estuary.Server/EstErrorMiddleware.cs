using Estuary.Ra;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Estuary.Server;

/// <summary>
/// Last line of defence at the edge: malformed HTTP gets its 4xx with a reason, a client that went away
/// gets nothing, a bug gets a 500 without internal detail (and a log line). Unknown paths and methods
/// get a plain-text reason.
/// </summary>
public sealed partial class EstErrorMiddleware(RequestDelegate next, ILogger<EstErrorMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.ContentLength is null or 0)
            {
                switch (context.Response.StatusCode)
                {
                    case StatusCodes.Status404NotFound:
                        await EstHttp.WriteTextAsync(context, $"no such EST resource: {context.Request.Path} (operations: cacerts, csrattrs, simpleenroll, simplereenroll, serverkeygen, fullcmc)");
                        break;
                    case StatusCodes.Status405MethodNotAllowed:
                        await EstHttp.WriteTextAsync(context, $"method {context.Request.Method} is not allowed on {context.Request.Path}");
                        break;
                }
            }
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            context.Response.Clear();
            context.Response.StatusCode = e.StatusCode;
            await EstHttp.WriteTextAsync(context, "bad HTTP request: " + e.Message);
        }
        catch (Estuary.Storage.StorageUnavailableException e) when (!context.Response.HasStarted)
        {
            // The database is unreachable: nothing was committed and no certificate left; ask the client to come back.
            LogStorageUnavailable(logger, context.Request.Path, e.Message);
            context.Response.Clear();
            await EstHttp.WriteErrorAsync(context, StorageUnavailable, "");
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(logger, context.Request.Path, e);
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            await EstHttp.WriteTextAsync(context, "internal error; the server log has the details");
        }
    }

    private static readonly Estuary.Ra.EstError StorageUnavailable = new(
        Estuary.Ra.EstErrorKind.Unavailable, "the certificate database is unavailable; nothing was issued, try again later", TimeSpan.FromSeconds(10));

    [LoggerMessage(EventId = EstuaryEventId.StorageUnavailable, Level = LogLevel.Warning, Message = "storage unavailable on {Path}: {Reason}")]
    private static partial void LogStorageUnavailable(ILogger logger, string path, string reason);

    [LoggerMessage(EventId = EstuaryEventId.Unhandled, Level = LogLevel.Error, Message = "unhandled error on {Path}")]
    private static partial void LogUnhandled(ILogger logger, string path, Exception exception);
}
