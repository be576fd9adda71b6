namespace Estuary.Server;

/// <summary>The CRL and OCSP URLs this server put into certificates, and its plain-HTTP address if any; known once started.</summary>
public sealed class RevocationUrls
{
    public Uri? Crl { get; internal set; }

    public Uri? Ocsp { get; internal set; }

    /// <summary>http://HOST:PORT of the Estuary:HttpListen listener, when configured.</summary>
    public Uri? PlainHttp { get; internal set; }
}
