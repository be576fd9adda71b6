using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.Configuration.Memory;

namespace Estuary.Server.Configuration;

/// <summary>
/// The configuration sources of `estuary serve` and `estuary config check`, later ones winning: appsettings.json
/// (and appsettings.ENVIRONMENT.json) in the working folder, the environment (Estuary__Listen, …), the --config
/// file, then the flags. The same order WebApplication.CreateBuilder uses, so what is checked is what runs.
/// </summary>
public static class EstuaryConfiguration
{
    public const string AppSettingsFile = "appsettings.json";

    /// <summary>Where a value came from when no source set it.</summary>
    public const string DefaultSource = "default";

    /// <summary>
    /// Loads every source; a file that is missing (--config only) or not valid JSON becomes a problem naming the
    /// file and line, and is left out so the other sources can still be checked.
    /// </summary>
    public static IConfigurationRoot Load(string? configFile, IDictionary<string, string?>? overrides, ICollection<ConfigurationProblem> problems)
    {
        var builder = new ConfigurationBuilder();
        var environment = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT") ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? "Production";
        foreach (var file in new[] { AppSettingsFile, $"appsettings.{environment}.json" })
        {
            var path = Path.Combine(Environment.CurrentDirectory, file);
            if (File.Exists(path) && JsonFileProblem(path, file) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                builder.AddJsonFile(path, optional: true, reloadOnChange: false);
            }
        }

        builder.AddEnvironmentVariables();
        if (configFile is not null)
        {
            var path = Path.GetFullPath(configFile);
            if (!File.Exists(path))
            {
                problems.Add(new ConfigurationProblem("--config", configFile, $"does not exist (looked for {path})"));
            }
            else if (JsonFileProblem(path, configFile) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                builder.AddJsonFile(path, optional: false, reloadOnChange: false);
            }
        }

        if (overrides is not null)
        {
            builder.AddInMemoryCollection(overrides);
        }

        return builder.Build();
    }

    /// <summary>Which source gave <paramref name="key"/> its value: the last provider that has it.</summary>
    public static string SourceOf(IConfigurationRoot configuration, string key)
    {
        foreach (var provider in configuration.Providers.Reverse())
        {
            if (provider.TryGet(key, out _))
            {
                return provider switch
                {
                    JsonConfigurationProvider json => json.Source.Path ?? "a JSON file",
                    EnvironmentVariablesConfigurationProvider => "environment",
                    MemoryConfigurationProvider => "command line",
                    _ => provider.GetType().Name,
                };
            }
        }

        return DefaultSource;
    }

    /// <summary>Reads the file as the JSON configuration provider does; null when it loads, else where it breaks.</summary>
    private static ConfigurationProblem? JsonFileProblem(string path, string shownAs)
    {
        try
        {
            new ConfigurationBuilder().AddJsonFile(path, optional: false, reloadOnChange: false).Build();
            return null;
        }
        catch (Exception e) when (e is InvalidDataException or FormatException or IOException or UnauthorizedAccessException)
        {
            var json = Inner<JsonException>(e);
            if (json is { LineNumber: { } line })
            {
                var reason = json.Message.Split(" Path:", 2)[0].Split(" LineNumber:", 2)[0].TrimEnd('.', ' ');
                return new ConfigurationProblem(shownAs, null, $"line {line + 1}, column {json.BytePositionInLine + 1}: broken JSON ({reason}); fix the file");
            }

            var innermost = e;
            while (innermost.InnerException is not null)
            {
                innermost = innermost.InnerException;
            }

            return new ConfigurationProblem(shownAs, null, $"cannot be read as JSON configuration: {innermost.Message.TrimEnd('.')}");
        }
    }

    private static T? Inner<T>(Exception? e)
        where T : Exception
    {
        for (; e is not null; e = e.InnerException)
        {
            if (e is T found)
            {
                return found;
            }
        }

        return null;
    }
}
