using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>A value set under "Estuary", with its key, its key with "*" for labels/adapters/indexes, and its schema node.</summary>
internal sealed record ConfigurationLeaf(string Key, string Template, string Value, ConfigurationSchema Node)
{
    /// <summary>Every value under "Estuary" whose key the schema knows (unknown ones are the business of <see cref="UnknownKeysRule"/>).</summary>
    public static IEnumerable<ConfigurationLeaf> Known(IConfiguration configuration) =>
        Walk(configuration.GetSection(ConfigurationSchema.Root), ConfigurationSchema.Root, ConfigurationSchema.Estuary);

    private static IEnumerable<ConfigurationLeaf> Walk(IConfigurationSection section, string template, ConfigurationSchema node)
    {
        if (section.Value is { } value && node.ValueType is not null)
        {
            yield return new ConfigurationLeaf(section.Path, template, value, node);
        }

        foreach (var child in section.GetChildren())
        {
            var named = node.Children.ContainsKey(child.Key);
            if (node.Find(child.Key) is { } childNode)
            {
                foreach (var leaf in Walk(child, template + ":" + (named ? child.Key : "*"), childNode))
                {
                    yield return leaf;
                }
            }
        }
    }
}
