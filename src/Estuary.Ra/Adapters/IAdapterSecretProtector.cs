namespace Estuary.Ra;

/// <summary>
/// Encrypts adapter secrets (the upstream password) for storage with the server's own keys, so the
/// database alone does not reveal them. The console registers one backed by ASP.NET Core data protection.
/// </summary>
public interface IAdapterSecretProtector
{
    string Protect(string secret);

    /// <exception cref="System.Security.Cryptography.CryptographicException">The value was not protected with these keys.</exception>
    string Unprotect(string protectedSecret);
}
