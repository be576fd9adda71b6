using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>
/// A key under "Estuary" that no option reads is a typo more often than not, and would be silently ignored:
/// name it with the closest known key.
/// </summary>
internal sealed class UnknownKeysRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        Walk(context, context.Configuration.GetSection(ConfigurationSchema.Root), ConfigurationSchema.Estuary);
        return ValueTask.CompletedTask;
    }

    private static void Walk(ConfigurationCheckContext context, IConfigurationSection section, ConfigurationSchema node)
    {
        foreach (var child in section.GetChildren())
        {
            if (ConfigurationSchema.Removed.Contains(child.Path))
            {
                continue; // AdminRule says what replaced it
            }

            if (node.IsList && !int.TryParse(child.Key, out _))
            {
                context.Add(child.Path, child.Value, $"is not a list entry: {section.Path} is a list (JSON [ ... ], or {section.Path}:0, :1, … in the environment)");
                continue;
            }

            if (node.Find(child.Key) is { } known)
            {
                if (known.ValueType is not null && child.GetChildren().Any())
                {
                    context.AddUnreadable(child.Path, null, "is a single value, not a section");
                }
                else
                {
                    Walk(context, child, known);
                }

                continue;
            }

            var closest = EditDistance.Closest(child.Key, node.Children.Keys);
            var hint = closest is null ? $"{section.Path} takes no keys" : $"did you mean {section.Path}:{closest}?";
            context.Add(child.Path, child.Value, $"is not a known key: {hint} (docs/CONFIGURATION.md lists every key)");
        }
    }
}
