using Estuary.Ca;
using Estuary.Protocol;
using Estuary.Protocol.Cmc;
using Estuary.Ra;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Estuary.Server;

/// <summary>/fullcmc (RFC 7030 §4.3) under /.well-known/est and /.well-known/est/{label}.</summary>
public static class EstFullCmcEndpoints
{
    public static IEndpointRouteBuilder MapEstFullCmc(this IEndpointRouteBuilder app)
    {
        foreach (var prefix in EstEndpoints.Prefixes)
        {
            app.MapPost(prefix + "/fullcmc", FullCmcAsync);
        }

        return app;
    }

    private static async Task FullCmcAsync(HttpContext context, string? label)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<EstuaryOptions>>().Value;
        var estContext = EstRequestReader.ReadContext(context, label, out var credentialsError);
        if (credentialsError is not null)
        {
            await EstHttp.WriteErrorAsync(context, credentialsError, options.Realm);
            return;
        }

        // RFC 7030 §4.3.1: application/pkcs7-mime; smime-type=CMC-request (the parameter is not compared, RFC 8951 §3).
        if (!EstMediaTypes.Matches(context.Request.ContentType, EstMediaTypes.CmcRequest))
        {
            await EstHttp.WriteErrorAsync(context, new EstError(EstErrorKind.UnsupportedMediaType, "Content-Type must be application/pkcs7-mime; smime-type=CMC-request (RFC 7030 §4.3.1)"), options.Realm);
            return;
        }

        var body = await EstHttp.ReadBodyAsync(context.Request, options.MaxRequestBodyBytes);
        if (body is null)
        {
            await EstHttp.WriteErrorAsync(context, new EstError(EstErrorKind.PayloadTooLarge, $"the request body is larger than {options.MaxRequestBodyBytes} bytes"), options.Realm);
            return;
        }

        // The RA authenticates the client before it asks for the decoded CMS (RFC 7030 §3.3 authentication does not
        // depend on the body): an anonymous client never reaches the CMC parser.
        var ra = context.RequestServices.GetRequiredService<RegistrationAuthority>();
        var result = await ra.FullCmcAsync(estContext, () => Decode(body), context.RequestServices.GetService<RevocationService>(), context.RequestAborted);
        if (result.Value is not { } outcome)
        {
            await EstHttp.WriteErrorAsync(context, result.Error!, options.Realm);
            return;
        }

        byte[] response;
        if (outcome.MlDsaSigner is { SigningKey: MlDsaSigningKey mlDsa } ca)
        {
            // An ML-DSA label: its issuing CA signs the answer with ML-DSA, RFC 9882 (docs/PQC.md).
            var now = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow();
            response = CmcResponse.Encode(outcome.Statuses, outcome.Certificates, mlDsa.Key, ca.Certificate.RawData, now, outcome.Controls);
        }
        else
        {
            var signer = context.RequestServices.GetRequiredService<CaMaterial>().RaSigningCertificate
                ?? throw new InvalidOperationException("the RA signing certificate is not loaded");
            response = CmcResponse.Encode(outcome.Statuses, outcome.Certificates, signer, outcome.Controls);
        }

        await EstHttp.WriteBase64Async(context, EstMediaTypes.CmcResponse, response, Base64LayoutPolicy.Choose(context.Request, options.FixedLayout, EstBase64.IsWrapped(body)));
    }

    /// <summary>Not parseable as CMC: there is no bodyPartID to answer in CMC, so HTTP answers 400 with the reason.</summary>
    private static EstResult<CmcRequest> Decode(byte[] body)
    {
        try
        {
            return EstResult<CmcRequest>.Ok(CmcRequest.Decode(EstBase64.Decode(body)));
        }
        catch (EstProtocolException e)
        {
            return EstError.BadRequest(e.Message);
        }
        catch (Exception e) when (CmcRequest.IsMalformedInput(e))
        {
            // The decoder turns these into EstProtocolException; should a parser below it find a new way to fail,
            // the request is still a 400 with a plain reason and never a 500.
            return EstError.BadRequest("the CMC request cannot be read (RFC 5272 §3.2)");
        }
    }
}
