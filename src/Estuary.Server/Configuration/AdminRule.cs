using Estuary.Admin;
using Estuary.Client;

namespace Estuary.Server.Configuration;

/// <summary>The console's settings: the removed subject list, administrator certificate fingerprints, login limits.</summary>
internal sealed class AdminRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        foreach (var removed in ConfigurationSchema.Removed)
        {
            if (context.Configuration.GetSection(removed).Exists())
            {
                // Refuse rather than silently drop a setting that used to grant administrator access.
                context.Add(removed, null, "is refused: ClientCertificateSubjects was removed (an EST client could request a listed subject); register each administrator certificate by its SHA-256 fingerprint in Estuary:Admin:ClientCertificateFingerprints instead");
            }
        }

        if (context.Bind<AdminOptions>("Estuary:Admin") is not { } admin)
        {
            return ValueTask.CompletedTask;
        }

        for (var i = 0; i < admin.ClientCertificateFingerprints.Count; i++)
        {
            try
            {
                TrustFingerprint.Normalize(admin.ClientCertificateFingerprints[i]);
            }
            catch (ArgumentException)
            {
                context.Add($"Estuary:Admin:ClientCertificateFingerprints:{i}", admin.ClientCertificateFingerprints[i], "is not a SHA-256 fingerprint: 64 hexadecimal digits (colons and spaces allowed), as `openssl x509 -noout -fingerprint -sha256` prints it");
            }
        }

        if (admin.LoginAttemptsPerAddress > 0 && admin.LoginAttemptWindow <= TimeSpan.Zero)
        {
            context.Add("Estuary:Admin:LoginAttemptWindow", admin.LoginAttemptWindow.ToString(), "must be longer than zero while Estuary:Admin:LoginAttemptsPerAddress is on");
        }

        return ValueTask.CompletedTask;
    }
}
