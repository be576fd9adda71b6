namespace Estuary.Server;

/// <summary>The CRL and OCSP URLs this server put into certificates, and its plain-HTTP address if any; known once started.</summary>
public sealed class RevocationUrls
{
    /// <summary>BASE/: Estuary:PublicBaseUrl, else the plain-HTTP listener, else the HTTPS one (RevocationPublication.BaseUrl).</summary>
    public Uri? Base { get; internal set; }

    public Uri? Crl { get; internal set; }

    public Uri? Ocsp { get; internal set; }

    /// <summary>http://HOST:PORT of the Estuary:HttpListen listener, when configured.</summary>
    public Uri? PlainHttp { get; internal set; }
}
