using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Storage;

namespace Estuary.Bench.Seed;

/// <summary>
/// Signs each seeded record through the data folder's own issuing CA (<see cref="CertificateAuthority.Issue"/>,
/// the call the RA makes): genuine random serials, issuer, key identifiers, CRL distribution point and OCSP URL,
/// so that CRL and OCSP lookups treat them exactly like certificates the server issued. The subject public keys
/// come from a pool of P-256 keys (generating a million keys would only measure key generation).
/// </summary>
internal sealed class SeedCertificates(CertificateAuthority ca, SeedPlan plan, int keyPool)
{
    private static readonly byte[] KeyUsage = new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, critical: true).RawData;
    private static readonly byte[] ClientAuth = new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false).RawData;

    private readonly byte[][] _keys = Enumerable.Range(0, keyPool).Select(_ =>
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }).ToArray();

    /// <summary>Serials of the records signed so far (renewals name the serial they replace).</summary>
    private readonly string[] _serials = new string[plan.Count];

    /// <summary>
    /// A renewal (simplereenroll) replaces a certificate issued at least one chunk earlier under the same label, and
    /// keeps its subject and owning account; anything else starts its own line. Returns the record it renews, or -1.
    /// </summary>
    public static int Renews(int i, int chunk)
    {
        if (SeedPlan.Operation(i) != "simplereenroll")
        {
            return -1;
        }

        // chunk is a multiple of the number of labels, so i - chunk - 20 m has the same label as i.
        var j = i - chunk - (SeedPlan.Labels.Length * (int)(SeedPlan.Hash(i, 10) % 1000));
        return j >= 0 ? j : -1;
    }

    /// <summary>The record whose device this certificate belongs to (the start of its renewal line).</summary>
    public static int Origin(int i, int chunk)
    {
        var j = i;
        while (Renews(j, chunk) is var previous and >= 0)
        {
            j = previous;
        }

        return j;
    }

    public string SerialOf(int i) => _serials[i];

    /// <summary>Signs record <paramref name="i"/> and returns it with its audit event(s).</summary>
    public (CertificateRecord Record, AuditEvent Issued, AuditEvent? Revoked) Create(int i, int chunk)
    {
        var (label, prefix, _) = SeedPlan.LabelOf(i);
        var origin = Origin(i, chunk);
        var renews = Renews(i, chunk);
        var device = SeedPlan.DeviceName(origin);
        var dns = $"{device}.{(label.Length == 0 ? "default" : label)}.example.net";
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Example Fleet");
        subject.AddOrganizationalUnitName(prefix);
        subject.AddCommonName(device);
        var subjectName = subject.Build();
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dns);
        var issuedAt = DateTimeOffset.FromUnixTimeMilliseconds(plan.IssuedAtMs(i));
        var notAfter = DateTimeOffset.FromUnixTimeMilliseconds(plan.NotAfterMs(i));
        var issued = ca.Issue(new IssuanceInstructions
        {
            Subject = subjectName.RawData,
            SubjectPublicKeyInfo = _keys[(int)(SeedPlan.Hash(i, 11) % (ulong)_keys.Length)],
            NotBefore = issuedAt.AddMinutes(-5), // the RA's default backdating (Estuary:BackdateBy)
            NotAfter = notAfter,
            Extensions =
            [
                new CertificateExtension("2.5.29.15", true, KeyUsage),
                new CertificateExtension("2.5.29.37", false, ClientAuth),
                new CertificateExtension("2.5.29.17", false, san.Build().RawData),
            ],
        });
        _serials[i] = issued.SerialHex;
        var operation = renews >= 0 ? "simplereenroll" : SeedPlan.Operation(i) == "serverkeygen" ? "serverkeygen" : "simpleenroll";
        var account = SeedPlan.Account(origin);
        var requestedBy = renews >= 0 ? "cert:" + _serials[renews] : "basic:" + account;
        var revoked = plan.IsRevoked(i);
        var record = new CertificateRecord
        {
            Serial = issued.SerialHex,
            Subject = subjectName.Name,
            SubjectAltNames = "DNS:" + dns,
            Issuer = issued.Issuer ?? ca.Certificate.Subject,
            NotBefore = issued.NotBefore,
            NotAfter = issued.NotAfter,
            RequestedBy = requestedBy,
            Label = label,
            Operation = operation,
            Replaces = renews >= 0 ? _serials[renews] : null,
            Der = issued.Der,
            IssuedAt = issuedAt,
            RevokedAt = revoked ? DateTimeOffset.FromUnixTimeMilliseconds(plan.RevokedAtMs(i)) : null,
            RevocationReason = revoked ? SeedPlan.Reason(i) : null,
            Account = account,
        };
        // The detail texts of RegistrationAuthority.RecordAsync and RevocationService.RevokeAsync.
        var audit = new AuditEvent(issuedAt, "certificate.issued", requestedBy,
            $"{operation} serial {issued.SerialHex} subject '{record.Subject}' label '{(label.Length == 0 ? "default" : label)}' from {SeedPlan.Address(i)}");
        var revokedAudit = revoked
            ? new AuditEvent(record.RevokedAt!.Value, "certificate.revoked", "admin:seed", $"serial {issued.SerialHex} subject '{record.Subject}' reason {record.RevocationReason}")
            : null;
        return (record, audit, revokedAudit);
    }
}
