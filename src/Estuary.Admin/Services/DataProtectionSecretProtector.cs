using Estuary.Ra;
using Microsoft.AspNetCore.DataProtection;

namespace Estuary.Admin;

/// <summary>
/// Adapter secrets encrypted with ASP.NET Core data protection, whose keys live in the data folder
/// (console-keys/): the database alone does not reveal an upstream password.
/// </summary>
internal sealed class DataProtectionSecretProtector(IDataProtectionProvider provider) : IAdapterSecretProtector
{
    private readonly IDataProtector _protector = provider.CreateProtector("Estuary.Adapters.Password.v1");

    public string Protect(string secret) => _protector.Protect(secret);

    public string Unprotect(string protectedSecret) => _protector.Unprotect(protectedSecret);
}
