using System.Collections;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace Estuary.Server.Configuration;

/// <summary>One key of the effective configuration: its value as it may be shown (secrets masked) and its source.</summary>
public sealed record EffectiveSetting(string Key, string Value, string Source);

/// <summary>
/// Every key Estuary reads, with the value it will use and where that came from (a file, the environment, the
/// command line, or the default of its options class); labels and adapters as configured.
/// </summary>
public static class EffectiveConfiguration
{
    public static IReadOnlyList<EffectiveSetting> Of(IConfigurationRoot configuration)
    {
        var settings = new List<EffectiveSetting>();
        Walk(configuration, configuration.GetSection(ConfigurationSchema.Root), ConfigurationSchema.Estuary, settings);
        return settings;
    }

    private static void Walk(IConfigurationRoot root, IConfigurationSection section, ConfigurationSchema node, List<EffectiveSetting> settings)
    {
        if (node.ValueType is not null)
        {
            settings.Add(section.Value is { } value
                ? new EffectiveSetting(section.Path, SecretKeys.Mask(section.Path, value), EstuaryConfiguration.SourceOf(root, section.Path))
                : new EffectiveSetting(section.Path, SecretKeys.Mask(section.Path, Format(node.Default)), EstuaryConfiguration.DefaultSource));
            return;
        }

        if (node.IsList)
        {
            var entries = section.GetChildren().Where(c => c.Value is not null).ToList();
            settings.Add(entries.Count > 0
                ? new EffectiveSetting(section.Path, "[" + string.Join(", ", entries.Select(e => SecretKeys.Mask(section.Path, e.Value!))) + "]", EstuaryConfiguration.SourceOf(root, entries[0].Path))
                : new EffectiveSetting(section.Path, Format(node.Default), EstuaryConfiguration.DefaultSource));
            return;
        }

        foreach (var (name, child) in node.Children)
        {
            Walk(root, section.GetSection(name), child, settings);
        }

        if (node.AnyChild is { } any)
        {
            foreach (var entry in section.GetChildren())
            {
                Walk(root, entry, any, settings);
            }
        }
    }

    private static string Format(object? value) => value switch
    {
        null => "",
        bool b => b ? "true" : "false",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        string s => s,
        IEnumerable list => "[" + string.Join(", ", list.Cast<object>().Select(Format)) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
