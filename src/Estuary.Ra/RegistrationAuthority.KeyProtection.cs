using Estuary.Ca;
using Estuary.Storage;
using Microsoft.Extensions.Logging;

namespace Estuary.Ra;

/// <summary>The RA with encrypted return of server-generated keys (RFC 7030 §4.4.2).</summary>
public sealed partial class RegistrationAuthority
{
    private readonly ServerKeyProtection? _keyProtection;

    /// <summary>The RA that can also return server-generated keys encrypted (the constructor the server's container uses).</summary>
    public RegistrationAuthority(
        LabelRegistry labels,
        CertificateAuthority ca,
        IEstuaryStore store,
        EstAuthenticator authenticator,
        RaOptions options,
        TimeProvider time,
        ILogger<RegistrationAuthority> logger,
        ServerKeyProtection keyProtection)
        : this(labels, ca, store, authenticator, options, time, logger)
    {
        _keyProtection = keyProtection;
    }
}
