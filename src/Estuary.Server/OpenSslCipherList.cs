using System.Net.Security;
using System.Runtime.InteropServices;

namespace Estuary.Server;

/// <summary>
/// The TLS cipher suites OpenSSL gives a new server context in this process, read from libssl itself: its built-in
/// default, or the <c>system_default</c> section of the configuration OPENSSL_CONF names. .NET builds a TLS context
/// from the same defaults when no cipher policy is set in code (and, only then, caches it with session resumption),
/// so this tells whether Estuary's AEAD-only policy already holds without setting one per connection.
/// </summary>
internal static partial class OpenSslCipherList
{
    // The libssl .NET's System.Security.Cryptography.Native already loaded on Debian 12 (OpenSSL 3.0).
    private const string LibSsl = "libssl.so.3";

    /// <summary>
    /// True when every suite OpenSSL would offer is in <paramref name="allowed"/>; false when one is not, or when the
    /// list cannot be read (another platform, another libssl): the caller then sets its policy per connection.
    /// </summary>
    public static bool IsWithin(IEnumerable<TlsCipherSuite> allowed)
    {
        var offered = Read();
        return offered is { Count: > 0 } && offered.All(new HashSet<TlsCipherSuite>(allowed).Contains);
    }

    /// <summary>The IANA numbers of the suites a new server context offers, or null when libssl cannot be asked.</summary>
    public static IReadOnlyList<TlsCipherSuite>? Read()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            var ctx = SSL_CTX_new(TLS_server_method());
            if (ctx == IntPtr.Zero)
            {
                return null;
            }

            try
            {
                var ssl = SSL_new(ctx);
                if (ssl == IntPtr.Zero)
                {
                    return null;
                }

                try
                {
                    // SSL_get_ciphers: the TLS 1.3 suites (Ciphersuites) followed by the TLS 1.2 ones (CipherString).
                    var stack = SSL_get_ciphers(ssl);
                    var count = OPENSSL_sk_num(stack);
                    var suites = new List<TlsCipherSuite>(Math.Max(count, 0));
                    for (var i = 0; i < count; i++)
                    {
                        suites.Add((TlsCipherSuite)SSL_CIPHER_get_protocol_id(OPENSSL_sk_value(stack, i)));
                    }

                    return suites;
                }
                finally
                {
                    SSL_free(ssl);
                }
            }
            finally
            {
                SSL_CTX_free(ctx);
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;
        }
    }

    [LibraryImport(LibSsl)]
    private static partial IntPtr TLS_server_method();

    [LibraryImport(LibSsl)]
    private static partial IntPtr SSL_CTX_new(IntPtr method);

    [LibraryImport(LibSsl)]
    private static partial void SSL_CTX_free(IntPtr ctx);

    [LibraryImport(LibSsl)]
    private static partial IntPtr SSL_new(IntPtr ctx);

    [LibraryImport(LibSsl)]
    private static partial void SSL_free(IntPtr ssl);

    [LibraryImport(LibSsl)]
    private static partial IntPtr SSL_get_ciphers(IntPtr ssl);

    [LibraryImport(LibSsl)]
    private static partial ushort SSL_CIPHER_get_protocol_id(IntPtr cipher);

    [LibraryImport("libcrypto.so.3")]
    private static partial int OPENSSL_sk_num(IntPtr stack);

    [LibraryImport("libcrypto.so.3")]
    private static partial IntPtr OPENSSL_sk_value(IntPtr stack, int index);
}
