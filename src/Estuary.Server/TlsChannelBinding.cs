using System.Net.Security;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Authentication;
using Estuary.Ra;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace Estuary.Server;

/// <summary>
/// Reads the TLS channel binding of the connection for proof-of-possession linking (RFC 7030 §3.5).
/// .NET has no public API for it. On Linux, SslStream's private <c>_securityContext</c> field is a
/// SafeHandle around OpenSSL's <c>SSL*</c>; with it, libssl gives tls-unique (RFC 5929 §3.1: the first
/// Finished message of the latest handshake — the client's for a full handshake, so
/// SSL_get_peer_finished on the server; the server's on resumption) and, for TLS 1.3 which has no
/// tls-unique, tls-exporter (RFC 9266: SSL_export_keying_material with label "EXPORTER-Channel-Binding",
/// 32 bytes, no context). A runtime that moves the field makes <see cref="Read"/> report the binding as
/// unavailable (PoP-requiring labels then refuse with that reason), and a test fails loudly.
/// </summary>
public static partial class TlsChannelBinding
{
    private const string LibSsl = "libssl.so.3";
    private const int FinishedMaxBytes = 64;

    /// <summary>The private field this class depends on; null when the runtime no longer has it.</summary>
    public static FieldInfo? SecurityContextField { get; } = typeof(SslStream).GetField("_securityContext", BindingFlags.Instance | BindingFlags.NonPublic);

    private static readonly byte[] ExporterLabel = "EXPORTER-Channel-Binding"u8.ToArray();

    /// <summary>The connection's binding, or an unavailable one naming the reason.</summary>
    public static EstChannelBinding Read(HttpContext http)
    {
        if (http.Features.Get<ISslStreamFeature>()?.SslStream is not { } ssl)
        {
            return EstChannelBinding.Unavailable("the connection is not TLS terminated by this server");
        }

        return Read(ssl);
    }

    public static EstChannelBinding Read(SslStream ssl)
    {
        if (!OperatingSystem.IsLinux())
        {
            return EstChannelBinding.Unavailable("TLS channel bindings are read through OpenSSL on Linux only");
        }

        if (SecurityContextField?.GetValue(ssl) is not SafeHandle handle || handle.IsInvalid || handle.IsClosed)
        {
            return EstChannelBinding.Unavailable("this .NET runtime does not expose the TLS session (SslStream._securityContext)");
        }

        var added = false;
        try
        {
            handle.DangerousAddRef(ref added);
            var session = handle.DangerousGetHandle();
#pragma warning disable SYSLIB0039 // TLS 1.0/1.1 are compared only to be refused below
            return ssl.SslProtocol switch
            {
                SslProtocols.Tls12 => ReadTlsUnique(session),
                SslProtocols.Tls13 => ReadTlsExporter(session),
                var other => EstChannelBinding.Unavailable($"no channel binding for {other}"),
            };
#pragma warning restore SYSLIB0039
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return EstChannelBinding.Unavailable("libssl.so.3 is not available: " + e.Message);
        }
        finally
        {
            if (added)
            {
                handle.DangerousRelease();
            }
        }
    }

    private static EstChannelBinding ReadTlsUnique(IntPtr session)
    {
        var finished = new byte[FinishedMaxBytes];
        // RFC 5929 §3.1: the first Finished message of the handshake. Full handshake: the client's
        // (the peer's, seen from the server). Abbreviated (resumed) handshake: the server's own.
        var length = SSL_session_reused(session) == 1
            ? SSL_get_finished(session, finished, (nuint)finished.Length)
            : SSL_get_peer_finished(session, finished, (nuint)finished.Length);
        return length is 0 or > FinishedMaxBytes
            ? EstChannelBinding.Unavailable("OpenSSL returned no Finished message")
            : new EstChannelBinding(EstChannelBinding.TlsUnique, finished.AsSpan(0, (int)length).ToArray());
    }

    private static EstChannelBinding ReadTlsExporter(IntPtr session)
    {
        var value = new byte[32];
        return SSL_export_keying_material(session, value, (nuint)value.Length, ExporterLabel, (nuint)ExporterLabel.Length, IntPtr.Zero, 0, 0) == 1
            ? new EstChannelBinding(EstChannelBinding.TlsExporter, value)
            : EstChannelBinding.Unavailable("OpenSSL could not export the keying material");
    }

    [LibraryImport(LibSsl)]
    private static partial nuint SSL_get_finished(IntPtr ssl, [Out] byte[] buffer, nuint count);

    [LibraryImport(LibSsl)]
    private static partial nuint SSL_get_peer_finished(IntPtr ssl, [Out] byte[] buffer, nuint count);

    [LibraryImport(LibSsl)]
    private static partial int SSL_session_reused(IntPtr ssl);

    [LibraryImport(LibSsl)]
    private static partial int SSL_export_keying_material(IntPtr ssl, [Out] byte[] output, nuint outputLength, byte[] label, nuint labelLength, IntPtr context, nuint contextLength, int useContext);
}
