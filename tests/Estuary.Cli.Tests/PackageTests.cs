using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Estuary.Testing;
using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// The Debian package (packaging/build-deb.sh): what it holds, and, as root, installed with dpkg, the server run
/// as the estuary user with the unit's own command line, an enrollment, and removal keeping the CA and database.
/// </summary>
// One at a time: both run dotnet publish/pack on src/Estuary.Cli, which share its obj/ folder.
[Collection("Packaging")]
public sealed class PackageTests(DebianPackageFixture package) : IClassFixture<DebianPackageFixture>
{
    private const string DataDir = "/var/lib/estuary";
    private const string UnitPath = "/lib/systemd/system/estuary.service";

    /// <summary>Written into the data folder once this test installed the package: what it may clean up later.</summary>
    private const string Marker = DataDir + "/.estuary-package-test";

    [Fact]
    public async Task The_package_holds_the_program_the_units_and_the_configuration_as_a_conffile()
    {
        var contents = await Run("dpkg-deb", $"-c \"{package.Deb}\"");
        var entries = contents.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Entry.Parse).ToDictionary(e => e.Path);

        Assert.All(entries.Values, e => Assert.Equal("root/root", e.Owner));
        Assert.Equal("-rwxr-xr-x", entries["/usr/lib/estuary/estuary"].Mode);
        Assert.Equal("../lib/estuary/estuary", entries["/usr/bin/estuary"].LinkTarget);
        Assert.Contains("/usr/lib/estuary/libe_sqlite3.so", entries.Keys);
        Assert.Equal("-rw-r--r--", entries["/usr/lib/estuary/openssl-aead.cnf"].Mode);
        Assert.Contains("/lib/systemd/system/estuary.service", entries.Keys);
        Assert.Contains("/lib/systemd/system/estuary-renew.service", entries.Keys);
        Assert.Contains("/lib/systemd/system/estuary-renew.timer", entries.Keys);
        Assert.Equal("-rw-r-----", entries["/etc/estuary/appsettings.json"].Mode);
        Assert.Equal("drwxr-x---", entries["/etc/estuary/"].Mode);
        Assert.Equal("/etc/estuary/appsettings.json", (await Run("dpkg-deb", $"-I \"{package.Deb}\" conffiles")).Trim());
        var depends = await Run("dpkg-deb", $"-f \"{package.Deb}\" Depends");
        Assert.Contains("libssl3", depends, StringComparison.Ordinal);
        Assert.Contains("adduser", depends, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_unit_runs_the_server_as_estuary_without_privileges()
    {
        using var dir = new TempDir();
        await Run("dpkg-deb", $"-x \"{package.Deb}\" \"{dir.Path}\"");
        var unit = await File.ReadAllLinesAsync(dir.Path + UnitPath);
        var settings = unit.Where(l => l.Contains('=', StringComparison.Ordinal) && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);

        Assert.Equal("estuary", settings["User"]);
        Assert.Equal("estuary", settings["StateDirectory"]);
        Assert.Equal("0700", settings["StateDirectoryMode"]);
        Assert.Equal("/usr/bin/estuary serve --data-dir /var/lib/estuary --config /etc/estuary/appsettings.json", settings["ExecStart"]);
        Assert.Equal("strict", settings["ProtectSystem"]);
        Assert.Equal("yes", settings["NoNewPrivileges"]);
        Assert.Equal("", settings["CapabilityBoundingSet"]);
        Assert.Equal("0077", settings["UMask"]);
        // The .NET JIT needs writable+executable memory.
        Assert.DoesNotContain("MemoryDenyWriteExecute", settings.Keys);
        if (File.Exists("/usr/bin/systemd-analyze"))
        {
            // systemd's exposure score of the unit stays in its "OK" band or better (below 5.0; the threshold is in
            // tenths): the command fails above it. `verify` needs the units installed: the root test runs it.
            await Run("systemd-analyze", $"security --offline=yes --root=\"{dir.Path}\" --threshold=49 estuary.service");
        }
    }

    [RootFact]
    public async Task Installed_the_server_runs_as_estuary_enrolls_and_removal_keeps_the_CA_and_database()
    {
        await RemoveLeftoversOfAnEarlierRun();
        try
        {
            await Run("dpkg", $"-i \"{package.Deb}\"");
            await File.WriteAllTextAsync(Marker, "made by Estuary's PackageTests; the test removes this folder\n");
            var user = (await Run("getent", "passwd estuary")).Trim().Split(':');
            Assert.Equal(DataDir, user[5]);
            Assert.Equal("/usr/sbin/nologin", user[6]);
            Assert.Equal("estuary 700", (await Run("stat", $"-c \"%U %a\" {DataDir}")).Trim());
            Assert.Equal("root estuary 640", (await Run("stat", "-c \"%U %G %a\" /etc/estuary/appsettings.json")).Trim());
            if (File.Exists("/usr/bin/systemd-analyze"))
            {
                await Run("systemd-analyze", $"verify {UnitPath} /lib/systemd/system/estuary-renew.service /lib/systemd/system/estuary-renew.timer");
            }

            await using (var server = await InstalledServer.StartAsync(await ExecStartAsync(), await UnitEnvironmentAsync()))
            {
                // The unit's OPENSSL_CONF gives the AEAD list from OpenSSL itself: one cached TLS context.
                Assert.Contains("TLS suites     aead (from the OpenSSL configuration", server.Output, StringComparison.Ordinal);
                using var credentials = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(DataDir, "initial-credentials.json")));
                var est = credentials.RootElement.GetProperty("est");
                using var issued = new TempDir();

                var enroll = await Processes.RunAsync("/usr/bin/estuary", $"enroll --server https://127.0.0.1:{server.Port} --cacert {DataDir}/root-ca.pem --user {est.GetProperty("username").GetString()} --password {est.GetProperty("password").GetString()} --cn package-test --out-dir \"{issued.Path}\"");

                Assert.True(enroll.ExitCode == 0, enroll.Output + "\n--- server\n" + server.Output);
                using var certificate = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(issued["cert.pem"]));
                Assert.Equal("CN=package-test", certificate.Subject);
                using var root = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(DataDir, "root-ca.pem")));
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(root);
                chain.ChainPolicy.ExtraStore.ImportFromPemFile(issued["chain.pem"]);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                Assert.True(chain.Build(certificate), string.Join(", ", chain.ChainStatus.Select(s => s.StatusInformation)));

                // systemd stops the unit with SIGTERM: the server shuts down cleanly.
                Assert.Equal(0, await server.StopAsync());
            }

            // Everything the server wrote belongs to estuary, with nothing readable by anyone else.
            Assert.Equal("estuary 600", (await Run("stat", $"-c \"%U %a\" {DataDir}/estuary.db")).Trim());
            Assert.Equal("estuary 600", (await Run("stat", $"-c \"%U %a\" {DataDir}/issuing-ca.key.pem")).Trim());

            await Run("dpkg", "-r estuary");

            Assert.False(File.Exists("/usr/lib/estuary/estuary"));
            Assert.False(File.Exists("/usr/bin/estuary"));
            Assert.True(File.Exists(Path.Combine(DataDir, "estuary.db")), "dpkg -r removed the database");
            Assert.True(File.Exists(Path.Combine(DataDir, "root-ca.pem")), "dpkg -r removed the root CA");
            Assert.True(File.Exists(Path.Combine(DataDir, "issuing-ca.key.pem")), "dpkg -r removed the issuing CA's key");
            Assert.True(File.Exists("/etc/estuary/appsettings.json"), "dpkg -r removed the configuration");
            Assert.Equal(0, (await Processes.RunAsync("getent", "passwd estuary")).ExitCode);

            await Run("dpkg", "--purge estuary");

            Assert.False(File.Exists("/etc/estuary/appsettings.json"));
            Assert.True(File.Exists(Path.Combine(DataDir, "issuing-ca.key.pem")), "dpkg --purge removed the CA's key");
        }
        finally
        {
            await RemoveEverything();
        }
    }

    /// <summary>The unit's Environment= assignments (one NAME=value each, no quoting).</summary>
    private static async Task<IReadOnlyDictionary<string, string>> UnitEnvironmentAsync() =>
        (await File.ReadAllLinesAsync(UnitPath)).Where(l => l.StartsWith("Environment=", StringComparison.Ordinal))
            .Select(l => l["Environment=".Length..].Split('=', 2))
            .ToDictionary(p => p[0], p => p[1]);

    /// <summary>The unit's ExecStart, split into words (it has no quoting).</summary>
    private static async Task<string[]> ExecStartAsync() =>
        (await File.ReadAllLinesAsync(UnitPath)).Single(l => l.StartsWith("ExecStart=", StringComparison.Ordinal))["ExecStart=".Length..]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>
    /// A package or data folder from an earlier run of this test is removed; one this test did not make (a real
    /// installation on this machine) stops the test instead.
    /// </summary>
    private static async Task RemoveLeftoversOfAnEarlierRun()
    {
        var installed = (await Processes.RunAsync("dpkg-query", "-W -f=${Status} estuary")).Output.Contains("installed", StringComparison.Ordinal);
        if ((installed || Directory.Exists(DataDir)) && !File.Exists(Marker))
        {
            Assert.Fail($"this machine has an estuary package or {DataDir} that this test did not make; run the test on a throwaway machine");
        }

        await RemoveEverything();
    }

    private static async Task RemoveEverything()
    {
        await Processes.RunAsync("dpkg", "--purge estuary");
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }

        if ((await Processes.RunAsync("getent", "passwd estuary")).ExitCode == 0)
        {
            await Processes.RunAsync("deluser", "--system --quiet estuary");
        }

        if ((await Processes.RunAsync("getent", "group estuary")).ExitCode == 0)
        {
            await Processes.RunAsync("delgroup", "--system --quiet estuary");
        }
    }

    private static async Task<string> Run(string fileName, string arguments)
    {
        var (exitCode, output) = await Processes.RunAsync(fileName, arguments);
        Assert.True(exitCode == 0, $"{fileName} {arguments} exited {exitCode}:\n{output}");
        return output;
    }

    /// <summary>One line of `dpkg-deb -c`: "-rwxr-xr-x root/root 1234 2026-12-02 08:06 ./usr/bin/x [-> target]".</summary>
    private sealed record Entry(string Mode, string Owner, string Path, string? LinkTarget)
    {
        public static Entry Parse(string line)
        {
            var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
            var name = fields[5].Split(" -> ");
            return new Entry(fields[0], fields[1], name[0][1..], name.Length > 1 ? name[1] : null);
        }
    }

    /// <summary>
    /// The installed /usr/bin/estuary started the way estuary.service starts it, without systemd: as the estuary
    /// user, no new privileges, no capabilities, umask 077, in /var/lib/estuary, with a bare environment; plus
    /// free loopback ports in place of the configured ones.
    /// </summary>
    private sealed class InstalledServer : IAsyncDisposable
    {
        private readonly Process _process;
        private readonly StringBuilder _output = new();

        private InstalledServer(Process process, int port)
        {
            _process = process;
            Port = port;
        }

        public int Port { get; }

        public string Output
        {
            get
            {
                lock (_output)
                {
                    return _output.ToString();
                }
            }
        }

        public static async Task<InstalledServer> StartAsync(string[] execStart, IReadOnlyDictionary<string, string> unitEnvironment)
        {
            var port = FreePort();
            int adminPort;
            do
            {
                adminPort = FreePort();
            }
            while (adminPort == port);
            var start = new ProcessStartInfo("setpriv")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
                WorkingDirectory = DataDir,
            };
            string[] arguments =
            [
                "--reuid=estuary", "--regid=estuary", "--init-groups", "--no-new-privs", "--bounding-set=-all", "--inh-caps=-all", "--",
                "/bin/sh", "-c", "umask 077 && exec \"$0\" \"$@\"",
                .. execStart,
                "--listen", $"https://127.0.0.1:{port}", "--admin-listen", $"https://127.0.0.1:{adminPort}",
            ];
            foreach (var a in arguments)
            {
                start.ArgumentList.Add(a);
            }

            start.Environment.Clear();
            start.Environment["PATH"] = "/usr/local/bin:/usr/bin:/bin";
            start.Environment["HOME"] = DataDir;
            start.Environment["USER"] = "estuary";
            foreach (var (name, value) in unitEnvironment)
            {
                start.Environment[name] = value;
            }

            var server = new InstalledServer(new Process { StartInfo = start }, port);
            var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            server._process.OutputDataReceived += (_, e) => server.Append(e.Data, ready);
            server._process.ErrorDataReceived += (_, e) => server.Append(e.Data, null);
            server._process.Start();
            server._process.BeginOutputReadLine();
            server._process.BeginErrorReadLine();
            var first = await Task.WhenAny(ready.Task, server._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(2)));
            if (first != ready.Task)
            {
                await server.DisposeAsync();
                throw new InvalidOperationException("the installed estuary serve did not become ready:\n" + server.Output);
            }

            return server;
        }

        /// <summary>SIGTERM, as `systemctl stop` sends; the exit code.</summary>
        public async Task<int> StopAsync()
        {
            await Processes.RunAsync("kill", $"-TERM {_process.Id}");
            using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _process.WaitForExitAsync(cts.Token);
            return _process.ExitCode;
        }

        public async ValueTask DisposeAsync()
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }

            _process.Dispose();
        }

        private void Append(string? line, TaskCompletionSource? ready)
        {
            if (line is null)
            {
                return;
            }

            lock (_output)
            {
                _output.AppendLine(line);
            }

            if (ready is not null && line.StartsWith("Estuary is ready:", StringComparison.Ordinal))
            {
                ready.TrySetResult();
            }
        }

        private static int FreePort()
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
    }
}
