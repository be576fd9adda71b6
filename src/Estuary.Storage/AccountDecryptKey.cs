namespace Estuary.Storage;

/// <summary>
/// A symmetric key an EST account and the server share for the encrypted return of server-generated keys
/// (RFC 7030 §4.4.1.1 DecryptKeyIdentifier, §4.4.2 kekri). <see cref="ProtectedKey"/> is the key encrypted by the
/// server (see Estuary.Ra's DecryptKeyProtector); the plain key is never stored, logged or returned.
/// </summary>
public sealed record AccountDecryptKey
{
    public required string Username { get; init; }

    /// <summary>The DecryptKeyIdentifier value (the CMS kekid) the client puts in its CSR.</summary>
    public required byte[] KeyIdentifier { get; init; }

    public required byte[] ProtectedKey { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
