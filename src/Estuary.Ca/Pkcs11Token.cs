using System.Formats.Asn1;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Protocol.Asn1;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Estuary.Ca;

/// <summary>
/// One logged-in session on the PKCS#11 token that holds the CA keys. Keys are generated inside the token
/// as sensitive and non-extractable (PKCS#11 v2.40 §4.9): only their public halves and signatures come out.
/// A PKCS#11 session is not safe for concurrent use, so every call on it is serialized.
/// </summary>
public sealed class Pkcs11Token : IDisposable
{
    private readonly IPkcs11Library _library;
    private readonly ISession _session;
    private readonly Lock _gate = new();
    private int _references = 1;

    private Pkcs11Token(IPkcs11Library library, ISession session, Pkcs11InteropFactories factories)
    {
        _library = library;
        _session = session;
        Factories = factories;
    }

    internal Pkcs11InteropFactories Factories { get; }

    static Pkcs11Token()
    {
        // Pkcs11Interop 5.3.0 asks for "libdl" to dlopen the module; glibc 2.34+ (Debian 12) ships only libdl.so.2
        // unless libc6-dev is installed. Point it at the runtime library instead.
        if (OperatingSystem.IsLinux())
        {
            NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, (name, assembly, path) =>
                name == "libdl" && NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero);
        }
    }

    /// <summary>Loads the module, finds the token by label and logs in as user.</summary>
    /// <exception cref="InvalidOperationException">No such token, or the login failed.</exception>
    public static Pkcs11Token Open(Pkcs11Options options)
    {
        options.Validate();
        var factories = new Pkcs11InteropFactories();
        IPkcs11Library library;
        try
        {
            library = factories.Pkcs11LibraryFactory.LoadPkcs11Library(factories, options.ModulePath, AppType.MultiThreaded);
        }
        catch (Exception e) when (e is Pkcs11Exception or UnmanagedException or DllNotFoundException or IOException)
        {
            throw new InvalidOperationException($"cannot load the PKCS#11 module {options.ModulePath}: {e.Message}", e);
        }

        try
        {
            var slot = library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => s.GetTokenInfo().Label.Trim() == options.TokenLabel.Trim())
                ?? throw new InvalidOperationException($"no PKCS#11 token labelled '{options.TokenLabel}' in {options.ModulePath}");
            var session = slot.OpenSession(SessionType.ReadWrite);
            try
            {
                session.Login(CKU.CKU_USER, options.Pin);
            }
            catch (Pkcs11Exception e) when (e.RV is CKR.CKR_USER_ALREADY_LOGGED_IN)
            {
            }
            catch (Pkcs11Exception e)
            {
                session.Dispose();
                throw new InvalidOperationException($"cannot log in to PKCS#11 token '{options.TokenLabel}': {e.RV}", e);
            }

            return new Pkcs11Token(library, session, factories);
        }
        catch
        {
            library.Dispose();
            throw;
        }
    }

    /// <summary>Generates a CA key pair in the token under <paramref name="label"/>; refuses to overwrite one.</summary>
    public Pkcs11SigningKey Generate(string label, KeyAlgorithm algorithm, bool ownsToken = false)
    {
        lock (_gate)
        {
            if (FindPrivateKey(label) is not null)
            {
                throw new InvalidOperationException($"the token already holds a key labelled '{label}'");
            }

            var id = RandomNumberGenerator.GetBytes(16);
            var a = Factories.ObjectAttributeFactory;
            var publicTemplate = new List<IObjectAttribute>
            {
                a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_PRIVATE, false), a.Create(CKA.CKA_LABEL, label), a.Create(CKA.CKA_ID, id), a.Create(CKA.CKA_VERIFY, true),
            };
            var privateTemplate = new List<IObjectAttribute>
            {
                a.Create(CKA.CKA_TOKEN, true), a.Create(CKA.CKA_PRIVATE, true), a.Create(CKA.CKA_LABEL, label), a.Create(CKA.CKA_ID, id),
                a.Create(CKA.CKA_SENSITIVE, true), a.Create(CKA.CKA_EXTRACTABLE, false), a.Create(CKA.CKA_SIGN, true),
            };
            IMechanism mechanism;
            if (algorithm.IsEc)
            {
                publicTemplate.Add(a.Create(CKA.CKA_EC_PARAMS, CurveParameters(algorithm)));
                mechanism = Factories.MechanismFactory.Create(CKM.CKM_EC_KEY_PAIR_GEN);
            }
            else
            {
                publicTemplate.Add(a.Create(CKA.CKA_MODULUS_BITS, (ulong)algorithm.RsaBits));
                publicTemplate.Add(a.Create(CKA.CKA_PUBLIC_EXPONENT, new byte[] { 0x01, 0x00, 0x01 }));
                mechanism = Factories.MechanismFactory.Create(CKM.CKM_RSA_PKCS_KEY_PAIR_GEN);
            }

            _session.GenerateKeyPair(mechanism, publicTemplate, privateTemplate, out var publicHandle, out var privateHandle);
            return new Pkcs11SigningKey(this, privateHandle, ReadPublicKey(publicHandle, algorithm.IsEc), algorithm.Hash, ownsToken);
        }
    }

    /// <summary>The CA key labelled <paramref name="label"/>, to sign with.</summary>
    /// <exception cref="InvalidOperationException">No such key pair in the token.</exception>
    public Pkcs11SigningKey Find(string label, bool ownsToken = false)
    {
        lock (_gate)
        {
            var privateHandle = FindPrivateKey(label) ?? throw new InvalidOperationException($"the PKCS#11 token holds no private key labelled '{label}'");
            var a = Factories.ObjectAttributeFactory;
            var publicHandle = _session.FindAllObjects([a.Create(CKA.CKA_CLASS, CKO.CKO_PUBLIC_KEY), a.Create(CKA.CKA_LABEL, label)]).FirstOrDefault()
                ?? throw new InvalidOperationException($"the PKCS#11 token holds no public key labelled '{label}'");
            var keyType = (CKK)_session.GetAttributeValue(privateHandle, [CKA.CKA_KEY_TYPE])[0].GetValueAsUlong();
            var publicKey = ReadPublicKey(publicHandle, keyType == CKK.CKK_EC);
            var hash = publicKey.Oid.Value == Oids.EcPublicKey
                ? KeyAlgorithmOfCurve(publicKey).Hash
                : HashAlgorithmName.SHA256;
            return new Pkcs11SigningKey(this, privateHandle, publicKey, hash, ownsToken);
        }
    }

    internal byte[] Sign(IObjectHandle key, CKM mechanism, byte[] data)
    {
        lock (_gate)
        {
            return _session.Sign(Factories.MechanismFactory.Create(mechanism), key, data);
        }
    }

    private IObjectHandle? FindPrivateKey(string label)
    {
        var a = Factories.ObjectAttributeFactory;
        return _session.FindAllObjects([a.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), a.Create(CKA.CKA_LABEL, label)]).FirstOrDefault();
    }

    private PublicKey ReadPublicKey(IObjectHandle handle, bool ec)
    {
        if (ec)
        {
            var values = _session.GetAttributeValue(handle, [CKA.CKA_EC_PARAMS, CKA.CKA_EC_POINT]);
            var curveOid = new AsnReader(values[0].GetValueAsByteArray(), AsnEncodingRules.DER).ReadObjectIdentifier();
            // PKCS#11 v2.40 §2.3.3: CKA_EC_POINT is the DER OCTET STRING of the ECPoint (some modules omit the wrapping).
            var point = values[1].GetValueAsByteArray();
            var fieldBytes = curveOid switch
            {
                Oids.Secp384r1 => 48,
                Oids.Secp521r1 => 66,
                _ => 32,
            };
            if (point.Length != (2 * fieldBytes) + 1)
            {
                point = new AsnReader(point, AsnEncodingRules.DER).ReadOctetString();
            }

            var size = (point.Length - 1) / 2;
            using var key = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.CreateFromValue(curveOid),
                Q = new ECPoint { X = point[1..(1 + size)], Y = point[(1 + size)..] },
            });
            return PublicKey.CreateFromSubjectPublicKeyInfo(key.ExportSubjectPublicKeyInfo(), out _);
        }

        var rsaValues = _session.GetAttributeValue(handle, [CKA.CKA_MODULUS, CKA.CKA_PUBLIC_EXPONENT]);
        using var rsa = RSA.Create(new RSAParameters { Modulus = rsaValues[0].GetValueAsByteArray(), Exponent = rsaValues[1].GetValueAsByteArray() });
        return PublicKey.CreateFromSubjectPublicKeyInfo(rsa.ExportSubjectPublicKeyInfo(), out _);
    }

    private static KeyAlgorithm KeyAlgorithmOfCurve(PublicKey key)
    {
        var curve = new AsnReader(key.EncodedParameters!.RawData, AsnEncodingRules.DER).ReadObjectIdentifier();
        return curve switch
        {
            Oids.Secp384r1 => KeyAlgorithm.P384,
            Oids.Secp521r1 => KeyAlgorithm.P521,
            _ => KeyAlgorithm.P256,
        };
    }

    private static byte[] CurveParameters(KeyAlgorithm algorithm)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        writer.WriteObjectIdentifier(algorithm.Curve!.Value.Oid.Value!);
        return writer.Encode();
    }

    /// <summary>
    /// One more owner of this session (a renewed issuing CA key beside the one it replaces): the module is
    /// initialised once per process, so keys share the session and the last owner to dispose closes it.
    /// </summary>
    public Pkcs11Token AddReference()
    {
        Interlocked.Increment(ref _references);
        return this;
    }

    public void Dispose()
    {
        if (Interlocked.Decrement(ref _references) > 0)
        {
            return;
        }

        lock (_gate)
        {
            try
            {
                _session.Logout();
            }
            catch (Pkcs11Exception)
            {
            }

            _session.Dispose();
            _library.Dispose();
        }
    }
}
