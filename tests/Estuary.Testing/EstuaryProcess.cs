using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Estuary.Testing;

/// <summary>
/// `estuary serve` as a separate OS process, as an operator runs it: for tests that kill it, restart it
/// and read what it printed.
/// </summary>
public sealed class EstuaryProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private Process? _process;

    public EstuaryProcess(string dataDir)
    {
        DataDir = dataDir;
        Port = FreePort();
        do
        {
            AdminPort = FreePort();
        }
        while (AdminPort == Port);
    }

    public string DataDir { get; }

    /// <summary>Environment variables for the process, e.g. Estuary__Storage__Provider.</summary>
    public IDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    public int Port { get; }

    /// <summary>The admin listener's port (console, REST API, /metrics).</summary>
    public int AdminPort { get; }

    public string EstUrl => $"https://127.0.0.1:{Port}/.well-known/est";

    /// <summary>Everything the process wrote to stdout and stderr so far (across restarts).</summary>
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

    public (string Username, string Password) EstCredentials()
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(DataDir, "initial-credentials.json")));
        var est = json.RootElement.GetProperty("est");
        return (est.GetProperty("username").GetString()!, est.GetProperty("password").GetString()!);
    }

    /// <summary>The estuary.dll built next to the tests (same configuration).</summary>
    public static string CliPath
    {
        get
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var path = Path.Combine(RepositoryPaths.Root, "src", "Estuary.Cli", "bin", configuration, "net10.0", "estuary.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("build src/Estuary.Cli first", path);
        }
    }

    public async Task StartAsync(params string[] extraArgs)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in new[] { CliPath, "serve", "--data-dir", DataDir, "--listen", $"https://127.0.0.1:{Port}", "--admin-listen", $"https://127.0.0.1:{AdminPort}" }.Concat(extraArgs))
        {
            start.ArgumentList.Add(a);
        }

        foreach (var (name, value) in Environment)
        {
            start.Environment[name] = value;
        }

        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _process = new Process { StartInfo = start };
        _process.OutputDataReceived += (_, e) => Append(e.Data, ready);
        _process.ErrorDataReceived += (_, e) => Append(e.Data, null);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var exited = _process.WaitForExitAsync();
        var first = await Task.WhenAny(ready.Task, exited, Task.Delay(TimeSpan.FromSeconds(90)));
        if (first != ready.Task)
        {
            throw new InvalidOperationException("estuary serve did not become ready:\n" + Output);
        }
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

    /// <summary>SIGTERM, as `systemctl stop` sends; the process's exit code once it has ended.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        var process = _process ?? throw new InvalidOperationException("not started");
        var kill = await Processes.RunAsync("kill", $"-TERM {process.Id}");
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException("kill -TERM failed: " + kill.Output);
        }

        using var cts = new CancellationTokenSource(timeout);
        await process.WaitForExitAsync(cts.Token);
        return process.ExitCode;
    }

    /// <summary>Ends once the process has exited (after <see cref="TerminateAsync"/> or on its own).</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) =>
        (_process ?? throw new InvalidOperationException("not started")).WaitForExitAsync(cancellationToken);

    /// <summary>SIGKILL: no shutdown hooks run, as in a power cut of the process.</summary>
    public async Task KillAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await KillAsync();

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
