using System.Net;

namespace Estuary.Client;

/// <summary>A successful HTTP answer, read whole: status, Content-Type and body bytes.</summary>
internal sealed record EstResponse(HttpStatusCode Status, string? ContentType, byte[] Body);
