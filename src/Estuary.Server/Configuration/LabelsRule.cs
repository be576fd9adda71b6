using Estuary.Ra;
using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>
/// Each CA label (Estuary:Labels:NAME): a valid path segment, key types it accepts and generates, then the rest
/// of its profile compiled as <see cref="LabelRegistry"/> will compile it.
/// </summary>
internal sealed class LabelsRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        foreach (var section in context.Configuration.GetSection("Estuary:Labels").GetChildren())
        {
            var before = context.Problems.Count;
            if (!LabelRegistry.IsValidLabel(section.Key))
            {
                context.Add(section.Path, null, "is not a usable CA label: 1 to 64 letters, digits, '-', '_' or '.' (RFC 7030 §3.2.2: one path segment)");
            }

            if (context.Bind<ProfileOptions>(section.Path) is not { } profile)
            {
                continue;
            }

            for (var i = 0; i < profile.AllowedKeys.Count; i++)
            {
                if (!Profile.SubjectKeyTypes.Contains(profile.AllowedKeys[i].Trim(), StringComparer.OrdinalIgnoreCase))
                {
                    context.Add($"{section.Path}:AllowedKeys:{i}", profile.AllowedKeys[i], "is not a key type a CSR may carry: use " + string.Join(", ", Profile.SubjectKeyTypes));
                }
            }

            if (!string.IsNullOrWhiteSpace(profile.Hierarchy) && profile.Hierarchy.Trim() != Ca.CaHierarchies.Main
                && !context.Configuration.GetSection("Estuary:Ca:Hierarchies:" + profile.Hierarchy.Trim()).Exists())
            {
                context.Add(section.Path + ":Hierarchy", profile.Hierarchy, "names no CA hierarchy: configure Estuary:Ca:Hierarchies:" + profile.Hierarchy.Trim() + ":KeyAlgorithm (e.g. ML-DSA-65), or leave it empty for the main CA");
            }

            // ML-KEM-512/768/1024 (RFC 9935) is a serverkeygen key type, not a CA key: it is checked by Profile.Compile below.
            if (!profile.ServerKeyAlgorithm.Trim().StartsWith("ML-KEM", StringComparison.OrdinalIgnoreCase) && !profile.ServerKeyAlgorithm.Trim().StartsWith("MLKEM", StringComparison.OrdinalIgnoreCase))
            {
                CaRule.KeyType(context, section.Path + ":ServerKeyAlgorithm", profile.ServerKeyAlgorithm);
            }

            if (context.Problems.Count > before)
            {
                continue;
            }

            try
            {
                profile.ApplyDefaults();
                Profile.Compile(section.Key, profile);
            }
            catch (ArgumentException e)
            {
                var prefix = $"label '{section.Key}': ";
                context.Add(section.Path, null, e.Message.StartsWith(prefix, StringComparison.Ordinal) ? e.Message[prefix.Length..] : e.Message);
            }
        }

        return ValueTask.CompletedTask;
    }
}
