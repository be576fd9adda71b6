using Estuary.Ca;
using Estuary.Ra;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Estuary.Server;

/// <summary>
/// Keeps a running server on the data folder's issuing CA, so that a renewal needs no restart: every
/// Estuary:Ca:IssuingCheckInterval it renews the issuing CA itself when due (Estuary:Ca:AutoRenewIssuing), retires
/// previous CAs whose certificate expired, and takes up a new issuing-ca.pem (written by `estuary ca issuing renew`,
/// another node, or itself). Polling the folder rather than watching it works the same on local disks and on the
/// network file systems nodes share, and a missed event cannot leave a node behind.
/// </summary>
public sealed partial class IssuingCaRefreshService(
    CaMaterial material,
    CaOptions options,
    LabelRegistry labels,
    TimeProvider time,
    ILogger<IssuingCaRefreshService> logger) : BackgroundService
{
    /// <summary>How long before expiry an automatic renewal happens (see <see cref="CaOptions.RenewIssuingBeforeDays"/>).</summary>
    public TimeSpan RenewBefore => options.RenewIssuingBeforeDays > 0
        ? TimeSpan.FromDays(options.RenewIssuingBeforeDays)
        : labels.Labels.Select(l => labels.Find(l)?.Validity ?? TimeSpan.Zero).Append(TimeSpan.FromDays(365)).Max() + TimeSpan.FromDays(30);

    /// <summary>One check: automatic renewal when due, retirement, then reload. True when the issuing CA in use changed.</summary>
    public bool Check()
    {
        var now = time.GetUtcNow();
        var ca = material.Issuing;
        if (options.AutoRenewIssuing && material.Rollover is null && IssuingCaRenewal.IsDue(ca.Certificate, material.Root, options, RenewBefore, now))
        {
            var token = (ca.SigningKey as Pkcs11SigningKey)?.Token;
            using var renewed = IssuingCaRenewal.Renew(
                material.DataDirectory,
                options,
                subject: null,
                time,
                stillDue: current => IssuingCaRenewal.IsDue(current, material.Root, options, RenewBefore, now),
                token);
            if (renewed is not null)
            {
                LogAutoRenewed(logger, renewed.Subject, renewed.NotAfter);
            }
        }

        foreach (var retired in IssuingCaFolder.RetireExpired(material.DataDirectory, now))
        {
            LogRetired(logger, retired);
        }

        var before = ca.KeyIdentifierHex;
        var changed = IssuingCaFolder.Reload(material, time);
        if (changed && ca.KeyIdentifierHex != before)
        {
            LogTakenUp(logger, ca.Certificate.Subject, ca.KeyIdentifierHex, ca.Certificate.NotAfter);
        }

        foreach (var hierarchy in material.Hierarchies)
        {
            CheckHierarchy(hierarchy, now);
        }

        return changed && ca.KeyIdentifierHex != before;
    }

    /// <summary>The same for a further hierarchy (e.g. ML-DSA) in DATA_DIR/hierarchies/NAME: renew when due, retire, reload.</summary>
    private void CheckHierarchy(CaHierarchy hierarchy, DateTimeOffset now)
    {
        var ca = hierarchy.Issuing;
        if (hierarchy.Options.AutoRenewIssuing && hierarchy.Rollover is null && IssuingCaRenewal.IsDue(ca.Certificate, hierarchy.Root, hierarchy.Options, RenewBefore, now))
        {
            using var renewed = IssuingCaRenewal.Renew(
                hierarchy.Directory,
                hierarchy.Options,
                subject: null,
                time,
                stillDue: current => IssuingCaRenewal.IsDue(current, hierarchy.Root, hierarchy.Options, RenewBefore, now));
            if (renewed is not null)
            {
                LogAutoRenewed(logger, renewed.Subject, renewed.NotAfter);
            }
        }

        foreach (var retired in IssuingCaFolder.RetireExpired(hierarchy.Directory, now))
        {
            LogRetired(logger, retired);
        }

        var before = ca.KeyIdentifierHex;
        if (hierarchy.Reload(time) && ca.KeyIdentifierHex != before)
        {
            LogTakenUp(logger, ca.Certificate.Subject, ca.KeyIdentifierHex, ca.Certificate.NotAfter);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first check one interval after the start: the CA was just loaded from the folder.
        using var timer = new PeriodicTimer(options.IssuingCheckInterval, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                Check();
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or UnauthorizedAccessException or System.Security.Cryptography.CryptographicException or ArgumentException)
            {
                LogCheckFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = EstuaryEventId.IssuingCaAutoRenewed, Level = LogLevel.Warning, Message = "renewed the issuing CA automatically: {Subject}, valid until {NotAfter:u}")]
    private static partial void LogAutoRenewed(ILogger logger, string subject, DateTime notAfter);

    [LoggerMessage(EventId = EstuaryEventId.IssuingCaTakenUp, Level = LogLevel.Warning, Message = "now issuing with {Subject} (key {KeyIdentifier}, valid until {NotAfter:u}); the previous issuing CA keeps signing its CRL and OCSP answers")]
    private static partial void LogTakenUp(ILogger logger, string subject, string keyIdentifier, DateTime notAfter);

    [LoggerMessage(EventId = EstuaryEventId.IssuingCaRetired, Level = LogLevel.Information, Message = "retired the previous issuing CA with key {KeyIdentifier}: its certificate, and so every certificate it issued, has expired")]
    private static partial void LogRetired(ILogger logger, string keyIdentifier);

    [LoggerMessage(EventId = EstuaryEventId.IssuingCaCheckFailed, Level = LogLevel.Error, Message = "checking the data folder for a renewed issuing CA failed; the current one is used until the next try")]
    private static partial void LogCheckFailed(ILogger logger, Exception exception);
}
