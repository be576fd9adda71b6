using System.Formats.Asn1;
using System.Runtime.InteropServices;
using Estuary.Protocol.Asn1;

namespace Estuary.Protocol.Crypto;

/// <summary>
/// Verifies an ECDSA signature on a named-curve key without building a .NET key object. On OpenSSL 3,
/// <c>ECDsa.ImportSubjectPublicKeyInfo</c> creates a fresh EC group and key-management object and checks
/// the key's order with a scalar multiplication: about 130 µs per CSR, twice the verification itself.
/// Here the group is built once per curve and the CSR's point is decoded into it (EC_POINT_oct2point
/// refuses points off the curve), then OpenSSL's ECDSA_verify runs on the same libcrypto the BCL uses.
/// Anything unusual — another platform, no libcrypto.so.3, an unknown curve, an encoding other than an
/// uncompressed or compressed point — returns <c>null</c> and the caller verifies through the BCL, which
/// stays the reference behaviour. The tests check both paths agree.
/// </summary>
public static class OpenSslEcdsaVerifier
{
    private static readonly Lazy<bool> Available = new(Probe);
    private static readonly Lazy<IntPtr> P256 = new(() => NativeMethods.EC_GROUP_new_by_curve_name(NidP256));
    private static readonly Lazy<IntPtr> P384 = new(() => NativeMethods.EC_GROUP_new_by_curve_name(NidP384));
    private static readonly Lazy<IntPtr> P521 = new(() => NativeMethods.EC_GROUP_new_by_curve_name(NidP521));

    // OpenSSL's numeric identifiers of the curves (obj_mac.h), stable across versions.
    private const int NidP256 = 415;
    private const int NidP384 = 715;
    private const int NidP521 = 716;

    /// <summary>Whether the OpenSSL fast path can run in this process.</summary>
    public static bool IsAvailable => Available.Value;

    /// <summary>
    /// True or false when OpenSSL could decide; null when the caller must verify another way.
    /// <paramref name="hash"/> is the message digest; <paramref name="derSignature"/> is ECDSA-Sig-Value (RFC 3279 §2.2.3).
    /// </summary>
    public static bool? TryVerifyHash(string curveOid, ReadOnlySpan<byte> subjectPublicKeyInfo, ReadOnlySpan<byte> hash, ReadOnlySpan<byte> derSignature)
    {
        if (!IsAvailable)
        {
            return null;
        }

        var (group, fieldBytes) = curveOid switch
        {
            Oids.Secp256r1 => (P256.Value, 32),
            Oids.Secp384r1 => (P384.Value, 48),
            Oids.Secp521r1 => (P521.Value, 66),
            _ => (IntPtr.Zero, 0),
        };
        if (group == IntPtr.Zero || ReadPoint(subjectPublicKeyInfo) is not { } point || !IsPlainPoint(point, fieldBytes))
        {
            return null;
        }

        var key = NativeMethods.EC_KEY_new();
        var q = NativeMethods.EC_POINT_new(group);
        try
        {
            if (key == IntPtr.Zero || q == IntPtr.Zero
                || NativeMethods.EC_KEY_set_group(key, group) != 1
                || NativeMethods.EC_POINT_oct2point(group, q, ref MemoryMarshal.GetReference(point.AsSpan()), (nuint)point.Length, IntPtr.Zero) != 1
                || NativeMethods.EC_KEY_set_public_key(key, q) != 1)
            {
                return null;
            }

            // 1 = valid, 0 = invalid, -1 = malformed signature: only 1 is a valid signature.
            return NativeMethods.ECDSA_verify(
                0,
                ref MemoryMarshal.GetReference(hash),
                hash.Length,
                ref MemoryMarshal.GetReference(derSignature),
                derSignature.Length,
                key) == 1;
        }
        finally
        {
            NativeMethods.EC_POINT_free(q);
            NativeMethods.EC_KEY_free(key);
            // A failed decode or verify leaves entries on this thread's OpenSSL error queue; the BCL's next
            // operation on the thread must not find them.
            NativeMethods.ERR_clear_error();
        }
    }

    private static byte[]? ReadPoint(ReadOnlySpan<byte> subjectPublicKeyInfo)
    {
        try
        {
            var spki = new AsnReader(subjectPublicKeyInfo.ToArray(), AsnEncodingRules.DER).ReadSequence();
            spki.ReadSequence();
            var point = spki.ReadBitString(out var unused);
            return unused == 0 && !spki.HasData ? point : null;
        }
        catch (AsnContentException)
        {
            return null;
        }
    }

    /// <summary>
    /// SEC 1 §2.3.3 uncompressed (04 X Y) or compressed (02/03 X) points only. The one-byte encoding of
    /// the point at infinity must never reach ECDSA_verify: with Q = O any signature (r, s) with
    /// r = x(u1·G) verifies, so it is left to the BCL, which refuses it.
    /// </summary>
    private static bool IsPlainPoint(byte[] point, int fieldBytes) =>
        point.Length > 0 && ((point[0] == 0x04 && point.Length == 1 + (2 * fieldBytes))
            || (point[0] is 0x02 or 0x03 && point.Length == 1 + fieldBytes));

    private static bool Probe()
    {
        if (!OperatingSystem.IsLinux() || Environment.GetEnvironmentVariable("ESTUARY_OPENSSL_FAST_VERIFY") == "0")
        {
            return false;
        }

        try
        {
            return NativeMethods.EC_GROUP_new_by_curve_name(NidP256) is var g && g != IntPtr.Zero && Free(g);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }

        static bool Free(IntPtr group)
        {
            NativeMethods.EC_GROUP_free(group);
            return true;
        }
    }

    private static class NativeMethods
    {
        // The same soname the BCL's OpenSSL shim loads, so both share one library instance and its state.
        private const string LibCrypto = "libcrypto.so.3";

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern IntPtr EC_GROUP_new_by_curve_name(int nid);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern void EC_GROUP_free(IntPtr group);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern IntPtr EC_KEY_new();

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int EC_KEY_set_group(IntPtr key, IntPtr group);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int EC_KEY_set_public_key(IntPtr key, IntPtr point);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern void EC_KEY_free(IntPtr key);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern IntPtr EC_POINT_new(IntPtr group);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern void EC_POINT_free(IntPtr point);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int EC_POINT_oct2point(IntPtr group, IntPtr point, ref byte buffer, nuint length, IntPtr context);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern int ECDSA_verify(int type, ref byte digest, int digestLength, ref byte signature, int signatureLength, IntPtr key);

        [DllImport(LibCrypto)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        internal static extern void ERR_clear_error();
    }
}
