namespace Estuary.Ra;

/// <summary>The RA with encrypted return of server-generated keys (RFC 7030 §4.4.2).</summary>
public sealed partial class RegistrationAuthority
{
    private readonly ServerKeyProtection? _keyProtection;
}
