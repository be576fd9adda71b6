using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace Estuary.Ra;

/// <summary>
/// Salted slow password hashes (PBKDF2-HMAC-SHA256, 600,000 iterations, OWASP 2023), encoded as
/// <c>pbkdf2-sha256$ITERATIONS$SALT$HASH</c>. A successful check is remembered in memory for a while,
/// keyed by a keyed digest of the credentials, so that clients sending Basic on every request do not
/// pay the slow hash every time; a changed password or hash misses the cache.
/// </summary>
public sealed class PasswordHasher
{
    public const int DefaultIterations = 600_000;
    private const string Scheme = "pbkdf2-sha256";
    private const int MaxCacheEntries = 10_000;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, (byte[] Digest, long ExpiresAt)> _verified = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _cacheLifetime;
    private readonly int _iterations;

    public PasswordHasher(TimeProvider time, TimeSpan cacheLifetime, int iterations = DefaultIterations)
    {
        _time = time;
        _cacheLifetime = cacheLifetime;
        _iterations = iterations;
        _decoyHash = new Lazy<string>(() => Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))));
    }

    private readonly Lazy<string> _decoyHash;

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(16);
        var hash = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, _iterations, HashAlgorithmName.SHA256, 32);
        return $"{Scheme}${_iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}";
    }

    /// <summary>Checks a password against a stored hash, in constant time for the comparison.</summary>
    public bool Verify(string username, string password, string encodedHash)
    {
        var digest = CacheDigest(username, password, encodedHash);
        var now = _time.GetTimestamp();
        if (_verified.TryGetValue(username, out var cached) && cached.ExpiresAt > now && CryptographicOperations.FixedTimeEquals(cached.Digest, digest))
        {
            return true;
        }

        if (!VerifySlow(password, encodedHash))
        {
            return false;
        }

        if (_verified.Count >= MaxCacheEntries)
        {
            _verified.Clear();
        }

        _verified[username] = (digest, now + (long)(_cacheLifetime.TotalSeconds * _time.TimestampFrequency));
        return true;
    }

    /// <summary>
    /// Spends the time of a full check against a hash nobody has, so that an unknown or disabled user name costs a
    /// client what a known one with a wrong password costs (no user enumeration by timing).
    /// </summary>
    public void SpendVerificationTime(string password) => _ = VerifySlow(password, _decoyHash.Value);

    /// <summary>Forgets any remembered check for this user (password changed, account disabled).</summary>
    public void Forget(string username) => _verified.TryRemove(username, out _);

    /// <summary>
    /// Full PBKDF2 checks done so far, decoys included: what a failed Basic login costs, whether or not the name
    /// exists (tests compare it instead of timing requests).
    /// </summary>
    public long SlowVerifications => Interlocked.Read(ref _slowVerifications);

    private long _slowVerifications;

    private bool VerifySlow(string password, string encodedHash)
    {
        Interlocked.Increment(ref _slowVerifications);
        var parts = encodedHash.Split('$');
        if (parts.Length != 4 || parts[0] != Scheme || !int.TryParse(parts[1], out var iterations) || iterations < 1)
        {
            return false;
        }

        byte[] salt, expected;
        try
        {
            salt = Convert.FromBase64String(parts[2]);
            expected = Convert.FromBase64String(parts[3]);
        }
        catch (FormatException)
        {
            return false;
        }

        var actual = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA256, expected.Length);
        return CryptographicOperations.FixedTimeEquals(actual, expected);
    }

    private byte[] CacheDigest(string username, string password, string encodedHash) =>
        HMACSHA256.HashData(_cacheKey, Encoding.UTF8.GetBytes(username + "\0" + password + "\0" + encodedHash));

    /// <summary>A random password for generated accounts: 24 characters of base64url (144 bits).</summary>
    public static string GeneratePassword() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(18)).Replace('+', '-').Replace('/', '_');
}
