namespace Estuary.Server;

/// <summary>The listeners an Estuary server opens; each serves its own route table (<see cref="ListenerRoutes"/>).</summary>
public enum EstuaryListener
{
    /// <summary>Estuary:Listen, for devices and relying parties: EST, CRL, OCSP and health probes.</summary>
    Est,

    /// <summary>Estuary:Admin:Listen, for operators: the console, the REST API, its OpenAPI document and metrics.</summary>
    Admin,

    /// <summary>Estuary:HttpListen (optional), for relying parties over plain HTTP: CRL and OCSP only.</summary>
    PlainHttp,
}
