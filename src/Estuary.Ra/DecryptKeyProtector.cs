using System.Security.Cryptography;
using System.Text;

namespace Estuary.Ra;

/// <summary>
/// Encrypts the symmetric decrypt keys of accounts (RFC 7030 §4.4.1.1) before they are stored: AES-256-GCM under
/// a random 256-bit key kept in <see cref="FileName"/> in the data folder (mode 0600, created on first use), with the
/// account name and key identifier as associated data so that a stored row cannot be moved to another account.
/// A copy of the database alone does not reveal the keys. Nodes sharing a PostgreSQL database need the same file.
/// </summary>
public sealed class DecryptKeyProtector
{
    public const string FileName = "decrypt-keys.key";

    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly string _path;
    private readonly Lock _lock = new();
    private byte[]? _key;

    public DecryptKeyProtector(string dataDirectory)
    {
        _path = Path.Combine(dataDirectory, FileName);
    }

    /// <summary>nonce ‖ tag ‖ ciphertext.</summary>
    public byte[] Protect(string username, ReadOnlySpan<byte> keyIdentifier, ReadOnlySpan<byte> key)
    {
        var output = new byte[NonceSize + TagSize + key.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var gcm = new AesGcm(Key(create: true), TagSize);
        gcm.Encrypt(nonce, key, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), AssociatedData(username, keyIdentifier));
        return output;
    }

    /// <exception cref="CryptographicException">The row was not protected by this key for this account and identifier.</exception>
    public byte[] Unprotect(string username, ReadOnlySpan<byte> keyIdentifier, byte[] protectedKey)
    {
        if (protectedKey.Length <= NonceSize + TagSize)
        {
            throw new CryptographicException("the stored decrypt key is truncated");
        }

        var key = new byte[protectedKey.Length - NonceSize - TagSize];
        using var gcm = new AesGcm(Key(create: false), TagSize);
        gcm.Decrypt(protectedKey.AsSpan(0, NonceSize), protectedKey.AsSpan(NonceSize + TagSize), protectedKey.AsSpan(NonceSize, TagSize), key, AssociatedData(username, keyIdentifier));
        return key;
    }

    private static byte[] AssociatedData(string username, ReadOnlySpan<byte> keyIdentifier) =>
        [.. Encoding.UTF8.GetBytes("estuary decrypt key v1\0" + username + "\0"), .. keyIdentifier];

    private byte[] Key(bool create)
    {
        lock (_lock)
        {
            if (_key is not null)
            {
                return _key;
            }

            if (!File.Exists(_path))
            {
                if (!create)
                {
                    throw new CryptographicException($"{FileName} is missing from the data folder; the stored decrypt keys cannot be read");
                }

                var fresh = RandomNumberGenerator.GetBytes(32);
                var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                }

                try
                {
                    using var stream = new FileStream(_path, options);
                    stream.Write(Encoding.ASCII.GetBytes(Convert.ToHexString(fresh) + "\n"));
                    stream.Flush(flushToDisk: true);
                }
                catch (IOException) when (File.Exists(_path))
                {
                    // Another process created it first: use theirs.
                }
            }

            _key = Convert.FromHexString(File.ReadAllText(_path).Trim());
            return _key;
        }
    }
}
