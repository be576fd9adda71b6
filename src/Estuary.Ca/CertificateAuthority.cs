using System.Security.Cryptography.X509Certificates;

namespace Estuary.Ca;

/// <summary>
/// One issuing CA: its certificate, its chain up to the root, and its signing key. The only code that
/// touches a CA private key. It signs what the RA instructs; it decides nothing about what is allowed.
/// The server's issuing CA can be renewed while it runs (<see cref="Renew"/>): from then on it signs with
/// the new key and certificate, and the CAs it replaced stay in <see cref="Previous"/> for revocation.
/// </summary>
public sealed class CertificateAuthority : IDisposable
{
    private readonly List<IDisposable> _replaced = [];
    private readonly Lock _renewal = new();
    private volatile Generation _generation;
    private volatile IReadOnlyList<CertificateAuthority> _previous = [];

    public CertificateAuthority(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chainToRoot, CaSigningKey key)
    {
        _generation = new Generation(certificate, chainToRoot, key, owner: this);
    }

    private CertificateAuthority(Generation generation)
    {
        _generation = generation;
    }

    /// <summary>The issuing CA certificate.</summary>
    public X509Certificate2 Certificate => _generation.Certificate;

    /// <summary>The certificates above the issuing CA, ending with the root.</summary>
    public IReadOnlyList<X509Certificate2> Chain => _generation.Chain;

    public X509Certificate2 Root => Chain.Count > 0 ? Chain[^1] : Certificate;

    public CaSigningKey SigningKey => _generation.Key;

    /// <summary>
    /// The distribution extensions of one certificate, given its issuing CA's key identifier (hex) and its serial:
    /// set once by the host when its public URL is known, so that each issuing CA, the current one and any renewed
    /// later, names its own CRL (RFC 5280 §4.2.1.13), and, with partitioned CRLs, the partition the serial falls in
    /// (RFC 5280 §5.2.5; <see cref="CrlPartition"/>). The serial is drawn before the extensions are built for that.
    /// </summary>
    public Func<string, byte[], IReadOnlyList<CertificateExtension>>? DistributionPointsFor
    {
        get => _generation.DistributionPointsFor;
        set
        {
            lock (_renewal)
            {
                _generation.DistributionPointsFor = value;
            }
        }
    }

    /// <summary>Published in /cacerts beside the chain during a root rollover: the other root and both link certificates (RFC 4210 §4.4).</summary>
    public IReadOnlyList<X509Certificate2> RolloverCertificates { get; set; } = [];

    /// <summary>The issuing CA this one replaces during a root rollover: its certificates still authenticate clients (to re-enroll).</summary>
    public CertificateAuthority? Predecessor { get; set; }

    /// <summary>
    /// Issuing CAs under the same root that this one replaced (issuing CA renewal) and whose certificates have
    /// not all expired: they no longer issue, but sign CRLs and OCSP answers, and their certificates re-enroll.
    /// </summary>
    public IReadOnlyList<CertificateAuthority> Previous => _previous;

    /// <summary>
    /// Every issuing CA generation, the current one first, each as a CA that never changes (for per-CA CRLs
    /// and OCSP responders); the current one shares this CA's key and does not dispose it.
    /// </summary>
    public IReadOnlyList<CertificateAuthority> Generations => [_generation.Pinned, .. _previous];

    /// <summary>The current generation as a CA that never changes (a renewal does not affect it).</summary>
    public CertificateAuthority Current => _generation.Pinned;

    /// <summary>The key identifier of this CA (its subjectKeyIdentifier), upper-case hex.</summary>
    public string KeyIdentifierHex => _generation.KeyIdentifierHex;

    /// <summary>
    /// Makes <paramref name="certificate"/> and <paramref name="key"/> the issuing CA from now on (renewal, without
    /// a restart); <paramref name="previous"/> are the CAs it replaced that are still needed for revocation. The
    /// replaced key is disposed only with this CA, since a signature may be in progress with it.
    /// </summary>
    public void Renew(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chainToRoot, CaSigningKey key, IReadOnlyList<CertificateAuthority> previous)
    {
        lock (_renewal)
        {
            var next = new Generation(certificate, chainToRoot, key, owner: this) { DistributionPointsFor = _generation.DistributionPointsFor };

            var old = _generation;
            _replaced.Add(old.Key);
            _replaced.AddRange(_previous.Where(p => !previous.Contains(p)));
            _previous = previous;
            _generation = next;
        }
    }

    /// <summary>Replaces the list of previous issuing CAs (after one was retired); the dropped ones are disposed with this CA.</summary>
    public void SetPrevious(IReadOnlyList<CertificateAuthority> previous)
    {
        lock (_renewal)
        {
            _replaced.AddRange(_previous.Where(p => !previous.Contains(p)));
            _previous = previous;
        }
    }

    /// <summary>Signs a certificate as instructed, with a fresh random serial.</summary>
    public IssuedCertificate Issue(IssuanceInstructions instructions)
    {
        // One generation for the whole signature: a renewal in between must not mix issuer name and key.
        var generation = _generation;
        var caNotAfter = generation.NotAfter;
        // The CA never issues beyond its own validity (RFC 5280 §6.1.3 would reject it anyway).
        var notAfter = instructions.NotAfter > caNotAfter ? caNotAfter : instructions.NotAfter;
        // The serial first: with partitioned CRLs it decides which CRL the distribution point names.
        var serial = SerialNumber.Next();
        IReadOnlyList<CertificateExtension> distribution = generation.DistributionPointsFor is { } pointsFor ? pointsFor(generation.KeyIdentifierHex, serial) : [];
        var clamped = instructions with { NotAfter = notAfter, Extensions = [.. instructions.Extensions, .. distribution] };
        var der = CertificateWriter.Write(clamped, serial, generation.IssuerName, generation.KeyIdentifier, generation.Key);
        return new IssuedCertificate(der, SerialNumber.ToHex(serial), TruncateToSeconds(clamped.NotBefore), TruncateToSeconds(clamped.NotAfter)) { Issuer = generation.Subject };
    }

    private static DateTimeOffset TruncateToSeconds(DateTimeOffset t) =>
        new(t.UtcTicks - (t.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    /// <summary>
    /// True when <paramref name="certificate"/> names this CA (or one it replaced) as issuer and carries a valid
    /// signature by its key. Cheaper than building a chain: the one check a TLS client certificate of ours needs.
    /// </summary>
    public bool IssuedThis(X509Certificate2 certificate)
    {
        if (_generation.Signed(certificate))
        {
            return true;
        }

        foreach (var previous in _previous)
        {
            if (previous.IssuedThis(certificate))
            {
                return true;
            }
        }

        return Predecessor?.IssuedThis(certificate) ?? false;
    }

    public void Dispose()
    {
        lock (_renewal)
        {
            if (_generation.Owner == this)
            {
                _generation.Key.Dispose();
            }

            foreach (var replaced in _replaced)
            {
                replaced.Dispose();
            }

            foreach (var previous in _previous)
            {
                previous.Dispose();
            }

            Predecessor?.Dispose();
        }
    }

    /// <summary>One issuing CA certificate with its key, and what signing needs of it, computed once.</summary>
    private sealed class Generation
    {
        public Generation(X509Certificate2 certificate, IReadOnlyList<X509Certificate2> chain, CaSigningKey key, CertificateAuthority owner)
        {
            Certificate = certificate;
            Chain = chain;
            Key = key;
            Owner = owner;
            IssuerName = certificate.SubjectName.RawData;
            Subject = certificate.Subject;
            NotAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
            KeyIdentifier = CertificateWriter.KeyIdentifier(certificate.PublicKey.ExportSubjectPublicKeyInfo());
            KeyIdentifierHex = Convert.ToHexString(KeyIdentifier);
            _ecCurve = new(() => NamedCurve(certificate));
            _subjectPublicKeyInfo = new(certificate.PublicKey.ExportSubjectPublicKeyInfo);
        }

        private readonly Lazy<string?> _ecCurve;
        private readonly Lazy<byte[]> _subjectPublicKeyInfo;

        public X509Certificate2 Certificate { get; }

        public IReadOnlyList<X509Certificate2> Chain { get; }

        public CaSigningKey Key { get; }

        public CertificateAuthority Owner { get; }

        public byte[] IssuerName { get; }

        public string Subject { get; }

        public DateTimeOffset NotAfter { get; }

        public byte[] KeyIdentifier { get; }

        public string KeyIdentifierHex { get; }

        /// <summary>Shared by the generation's pinned CA, so that what it issues (the OCSP responder) names the CRL too.</summary>
        public volatile Func<string, byte[], IReadOnlyList<CertificateExtension>>? DistributionPointsFor;

        /// <summary>This generation as a CA object that never changes and does not own the key (created on first use).</summary>
        public CertificateAuthority Pinned
        {
            get
            {
                if (_pinned is null)
                {
                    Interlocked.CompareExchange(ref _pinned, new CertificateAuthority(this), null);
                }

                return _pinned;
            }
        }

        private CertificateAuthority? _pinned;

        public bool Signed(X509Certificate2 certificate)
        {
            if (!certificate.IssuerName.RawData.AsSpan().SequenceEqual(IssuerName))
            {
                return false;
            }

            try
            {
                var reader = new System.Formats.Asn1.AsnReader(certificate.RawDataMemory, System.Formats.Asn1.AsnEncodingRules.DER).ReadSequence();
                var tbs = reader.ReadEncodedValue();
                var algorithm = reader.ReadSequence().ReadObjectIdentifier();
                var signature = reader.ReadBitString(out _);
                if (Protocol.Crypto.MlDsa.IsMlDsa(algorithm))
                {
                    // RFC 9881 §3: pure ML-DSA over the TBSCertificate, with this CA's key.
                    return Protocol.Crypto.MlDsa.Verify(algorithm, _subjectPublicKeyInfo.Value, tbs.Span, signature);
                }

                var hash = algorithm switch
                {
                    Protocol.Asn1.Oids.EcdsaWithSha256 or Protocol.Asn1.Oids.Sha256WithRsa => System.Security.Cryptography.HashAlgorithmName.SHA256,
                    Protocol.Asn1.Oids.EcdsaWithSha384 or Protocol.Asn1.Oids.Sha384WithRsa => System.Security.Cryptography.HashAlgorithmName.SHA384,
                    Protocol.Asn1.Oids.EcdsaWithSha512 or Protocol.Asn1.Oids.Sha512WithRsa => System.Security.Cryptography.HashAlgorithmName.SHA512,
                    _ => default,
                };
                if (hash == default)
                {
                    return false;
                }

                // The fast path skips building a key object from the CA certificate on every mTLS request.
                if (_ecCurve.Value is { } curve
                    && Protocol.Crypto.OpenSslEcdsaVerifier.TryVerifyHash(curve, _subjectPublicKeyInfo.Value, Digest(hash, tbs.Span), signature) is { } verified)
                {
                    return verified;
                }

                using var ec = Certificate.GetECDsaPublicKey();
                if (ec is not null)
                {
                    return ec.VerifyData(tbs.Span, signature, hash, System.Security.Cryptography.DSASignatureFormat.Rfc3279DerSequence);
                }

                using var rsa = Certificate.GetRSAPublicKey();
                return rsa is not null && rsa.VerifyData(tbs.Span, signature, hash, System.Security.Cryptography.RSASignaturePadding.Pkcs1);
            }
            catch (System.Formats.Asn1.AsnContentException)
            {
                return false;
            }
            catch (System.Security.Cryptography.CryptographicException)
            {
                return false;
            }
        }

        private static byte[] Digest(System.Security.Cryptography.HashAlgorithmName hash, ReadOnlySpan<byte> data) =>
            hash == System.Security.Cryptography.HashAlgorithmName.SHA256 ? System.Security.Cryptography.SHA256.HashData(data)
            : hash == System.Security.Cryptography.HashAlgorithmName.SHA384 ? System.Security.Cryptography.SHA384.HashData(data)
            : System.Security.Cryptography.SHA512.HashData(data);

        private static string? NamedCurve(X509Certificate2 certificate) =>
            certificate.PublicKey.Oid.Value == Protocol.Asn1.Oids.EcPublicKey
                ? new System.Formats.Asn1.AsnReader(certificate.PublicKey.EncodedParameters!.RawData, System.Formats.Asn1.AsnEncodingRules.DER).ReadObjectIdentifier()
                : null;
    }
}
