using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// The configuration check of `estuary serve` and `estuary config check`, through the real binary: each mistake is
/// one line naming its key, exit 2, and nothing is written in the data folder; `config check` masks secrets.
/// </summary>
public sealed class ConfigCheckTests
{
    public static TheoryData<string, string, string, string> Mistakes => new()
    {
        // flag or VARIABLE=value (several separated by |), the key the line must name, a phrase it must say
        { "--listen htps://x", "", "Estuary:Listen: \"htps://x\"", "https://" },
        { "", "Estuary__Lisen=https://127.0.0.1:0", "Estuary:Lisen", "did you mean Estuary:Listen?" },
        { "", "Estuary__Ca__KeyAlgorithm=P-256", "Estuary:Ca:KeyAlgorithm", "did you mean Estuary:Ca:RootKeyAlgorithm?" },
        { "", "Estuary__Ca__RootKeyAlgorithm=P-999", "Estuary:Ca:RootKeyAlgorithm: \"P-999\"", "P-256, P-384" },
        { "", "Estuary__Labels__iot__AllowedKeys__0=DSA", "Estuary:Labels:iot:AllowedKeys:0: \"DSA\"", "P-256" },
        { "", "Estuary__Labels__iot__ServerKeyAlgorithm=RSA-1024", "Estuary:Labels:iot:ServerKeyAlgorithm", "RSA-2048" },
        { "", "Estuary__MaxRequestBodyBytes=lots", "Estuary:MaxRequestBodyBytes: \"lots\"", "whole number" },
        { "", "Estuary__Revocation__CrlValidity=1 day", "Estuary:Revocation:CrlValidity", "00:30:00" },
        { "", "Estuary__Revocation__OcspValidity=-01:00:00", "Estuary:Revocation:OcspValidity", "negative" },
        { "", "Estuary__Revocation__CrlPartitions=24", "Estuary:Revocation:CrlPartitions: \"24\"", "power of two from 2 to 256" },
        { "", "Estuary__Storage__Provider=mongodb", "Estuary:Storage:Provider: \"mongodb\"", "sqlite or postgres" },
        { "", "Estuary__Logging__Format=xml", "Estuary:Logging:Format", "simple or json" },
        { "", "Estuary__Base64Layout=fancy", "Estuary:Base64Layout", "single-line" },
        { "", "Estuary__Ca__KeyProvider=pkcs11|Estuary__Ca__Pkcs11__ModulePath=/nonexistent/libpkcs11.so|Estuary__Ca__Pkcs11__TokenLabel=t|Estuary__Ca__Pkcs11__Pin=1234", "Estuary:Ca:Pkcs11:ModulePath: \"/nonexistent/libpkcs11.so\"", "does not exist" },
        { "--listen https://127.0.0.1:18443 --admin-listen https://127.0.0.1:18443", "", "Estuary:Admin:Listen", "uses the port of Estuary:Listen" },
        { "--listen https://127.0.0.1:70000", "", "Estuary:Listen", "https://HOST:PORT" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public async Task Serve_stops_on_a_mistake_with_exit_2_and_one_line_naming_the_key_and_writes_nothing(string flags, string variables, string key, string phrase)
    {
        using var dir = new TempDir();
        var (code, output) = await EstuaryCli.RunAsync($"serve --data-dir {dir["data"]} {Default(flags)}", Environment(variables));

        Assert.True(code == 2, output);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("estuary serve: " + key, line, StringComparison.Ordinal);
        Assert.Contains(phrase, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal); // no stack trace
        Assert.False(Directory.Exists(dir["data"]), "the data folder was created");
    }

    [Fact]
    public async Task Several_mistakes_give_one_line_each_in_one_run()
    {
        using var dir = new TempDir();
        var environment = Environment("Estuary__Lisen=x|Estuary__Ca__RootKeyAlgorithm=P-999|Estuary__RateLimits__LockoutSeconds=-5");

        var (code, output) = await EstuaryCli.RunAsync($"serve --data-dir {dir["data"]} --listen htps://x --admin-listen https://127.0.0.1:0", environment);

        Assert.Equal(2, code);
        var lines = Lines(output);
        Assert.Equal(4, lines.Count);
        Assert.Contains(lines, l => l.StartsWith("estuary serve: Estuary:Lisen", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("estuary serve: Estuary:Ca:RootKeyAlgorithm", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("estuary serve: Estuary:RateLimits:LockoutSeconds", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("estuary serve: Estuary:Listen", StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir["data"]));
    }

    [Fact]
    public async Task Broken_JSON_in_appsettings_json_and_in_the_config_file_names_each_file_and_line()
    {
        using var dir = new TempDir();
        await File.WriteAllTextAsync(dir["appsettings.json"], "{\n  \"Estuary\": {\n    \"Listen\": \"https://127.0.0.1:0\"\n    \"DataDir\": \"x\"\n  }\n}\n");
        await File.WriteAllTextAsync(dir["extra.json"], "{ \"Estuary\": { \"Realm\": } }");

        var (code, output) = await Processes.RunAsync("dotnet", $"\"{EstuaryCli.DllPath}\" serve --config extra.json --data-dir {dir["data"]}", workingDirectory: dir.Path);

        Assert.True(code == 2, output);
        var lines = Lines(output);
        Assert.Equal(2, lines.Count);
        Assert.StartsWith("estuary serve: appsettings.json: line 4,", lines[0], StringComparison.Ordinal);
        Assert.StartsWith("estuary serve: extra.json: line 1,", lines[1], StringComparison.Ordinal);
        Assert.All(lines, l => Assert.Contains("broken JSON", l, StringComparison.Ordinal));
        Assert.False(Directory.Exists(dir["data"]));
    }

    [Fact]
    public async Task A_missing_config_file_is_one_line()
    {
        using var dir = new TempDir();
        var (code, output) = await EstuaryCli.RunAsync($"serve --config {dir["absent.json"]} --data-dir {dir["data"]}");

        Assert.Equal(2, code);
        Assert.StartsWith($"estuary serve: --config: \"{dir["absent.json"]}\" does not exist", Assert.Single(Lines(output)), StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["data"]));
    }

    [Fact]
    public async Task Unreachable_PostgreSQL_names_host_port_and_why_without_the_password()
    {
        using var dir = new TempDir();
        var environment = Environment("Estuary__Storage__Provider=postgres|Estuary__Storage__ConnectionString=Host=127.0.0.1,no-such-host.invalid;Port=1;Username=estuary;Password=Sup3r-Secret-Pw");

        var (code, output) = await EstuaryCli.RunAsync($"serve --data-dir {dir["data"]} --listen https://127.0.0.1:0 --admin-listen https://127.0.0.1:0", environment);

        Assert.Equal(2, code);
        var line = Assert.Single(Lines(output));
        Assert.StartsWith("estuary serve: Estuary:Storage:ConnectionString", line, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:1: connection refused", line, StringComparison.Ordinal);
        Assert.Contains("no-such-host.invalid:1: host name not found (DNS)", line, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3r-Secret-Pw", output, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir["data"]));
    }

    [Fact]
    public async Task Config_check_prints_every_key_with_its_source_and_masks_secrets()
    {
        using var dir = new TempDir();
        const string passphrase = "Passphrase-Never-Shown-1";
        const string pin = "Pin-Never-Shown-2";
        const string adapterPassword = "Adapter-Never-Shown-3";
        var environment = Environment($"Estuary__Ca__KeyPassphrase={passphrase}|Estuary__Ca__Pkcs11__Pin={pin}|Estuary__Adapters__up__BaseUrl=https://upstream.example:8443|Estuary__Adapters__up__Username=ra|Estuary__Adapters__up__Password={adapterPassword}|Estuary__Adapters__up__TrustAnchorFingerprint={new string('A', 64)}");

        var (code, output) = await EstuaryCli.RunAsync($"config check --data-dir {dir["data"]} --listen https://127.0.0.1:9443", environment);

        Assert.True(code == 0, output);
        Assert.Matches(@"Estuary:Listen\s+https://127\.0\.0\.1:9443\s+\(command line\)", output);
        Assert.Matches(@"Estuary:Admin:Listen\s+https://127\.0\.0\.1:8444\s+\(default\)", output);
        Assert.Matches(@"Estuary:Ca:KeyPassphrase\s+\*\*\*\s+\(environment\)", output);
        Assert.Matches(@"Estuary:Ca:Pkcs11:Pin\s+\*\*\*\s+\(environment\)", output);
        Assert.Matches(@"Estuary:Adapters:up:Password\s+\*\*\*\s+\(environment\)", output);
        Assert.Matches(@"Estuary:Revocation:CrlValidity\s+1\.00:00:00\s+\(default\)", output);
        Assert.Contains("No problems found.", output, StringComparison.Ordinal);
        foreach (var secret in new[] { passphrase, pin, adapterPassword })
        {
            Assert.DoesNotContain(secret, output, StringComparison.Ordinal);
        }

        Assert.False(Directory.Exists(dir["data"]));
    }

    [Fact]
    public async Task Config_check_masks_the_connection_string_password_and_reports_the_same_problems_with_exit_2()
    {
        using var dir = new TempDir();
        var environment = Environment("Estuary__Storage__Provider=postgres|Estuary__Storage__ConnectionString=Host=127.0.0.1;Port=1;Username=estuary;Password=Conn-Never-Shown-4|Estuary__Lisen=x");

        var (code, output) = await EstuaryCli.RunAsync($"config check --data-dir {dir["data"]}", environment);

        Assert.Equal(2, code);
        Assert.DoesNotContain("Conn-Never-Shown-4", output, StringComparison.Ordinal);
        Assert.Matches(@"Estuary:Storage:ConnectionString\s+.*password=\*\*\*", output);
        var problems = output.Split('\n').Where(l => l.StartsWith("estuary config check: ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, problems.Count);
        Assert.Contains(problems, p => p.Contains("Estuary:Lisen", StringComparison.Ordinal) && p.Contains("did you mean Estuary:Listen?", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("127.0.0.1:1: connection refused", StringComparison.Ordinal));
        Assert.Contains("2 problem(s) found.", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Config_check_refuses_a_CRL_partition_count_that_is_not_a_power_of_two_with_exit_2()
    {
        using var dir = new TempDir();

        var (code, output) = await EstuaryCli.RunAsync($"config check --data-dir {dir["data"]}", Environment("Estuary__Revocation__CrlPartitions=100"));

        Assert.True(code == 2, output);
        var problem = Assert.Single(output.Split('\n'), l => l.StartsWith("estuary config check: ", StringComparison.Ordinal));
        Assert.Contains("Estuary:Revocation:CrlPartitions: \"100\"", problem, StringComparison.Ordinal);
        Assert.Contains("0 (off) or a power of two from 2 to 256", problem, StringComparison.Ordinal);
    }

    private static string Default(string flags) =>
        flags
        + (flags.Contains("--listen", StringComparison.Ordinal) ? "" : " --listen https://127.0.0.1:0")
        + (flags.Contains("--admin-listen", StringComparison.Ordinal) ? "" : " --admin-listen https://127.0.0.1:0");

    private static Dictionary<string, string> Environment(string variables) =>
        variables.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(v => v.Split('=', 2)).ToDictionary(v => v[0], v => v[1]);

    private static List<string> Lines(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(l => l.StartsWith("estuary serve: ", StringComparison.Ordinal)).ToList();
}
