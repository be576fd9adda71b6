using System.CommandLine;
using System.Globalization;
using Estuary.Client;
using Spectre.Console;

namespace Estuary.Cli.Client;

/// <summary>
/// `estuary renew`: for each certificate of a configuration file, renew it (RFC 7030 §4.2.2) once the given
/// fraction of its lifetime has passed (default 2/3), replace its files atomically, run the deploy hook; retry
/// with exponential backoff; with --watch, check again every --interval until stopped.
/// </summary>
internal static class RenewCommand
{
    public const double DefaultRenewAfter = 2.0 / 3.0;

    /// <param name="time">The clock that decides when a certificate is due (tests pass a fake one).</param>
    public static Command Create(TimeProvider? time = null)
    {
        var clock = time ?? TimeProvider.System;
        var common = new ClientOptions();
        var config = new Option<string>("--config") { Description = "The renew configuration file (JSON; see docs/CLIENT.md)", Required = true };
        var renewAfter = new Option<double?>("--renew-after") { Description = "Renew once this fraction of the lifetime has passed (default 0.6667; overrides the file)" };
        var deployHook = new Option<string?>("--deploy-hook") { Description = "Shell command run after each renewal (ESTUARY_NAME, ESTUARY_CERT, ESTUARY_KEY, ESTUARY_CHAIN are set); a certificate's own deployHook wins" };
        var force = new Option<bool>("--force") { Description = "Renew now, whatever the age of the certificates" };
        var watch = new Option<bool>("--watch") { Description = "Keep running: check again every --interval (as a daemon / systemd service)" };
        var interval = new Option<string>("--interval") { Description = "Time between checks with --watch (e.g. 30m, 12h)", DefaultValueFactory = _ => "12h" };
        var retries = new Option<int>("--retries") { Description = "Retries of a failed renewal (network, timeout, server error), with exponential backoff", DefaultValueFactory = _ => 4 };
        var backoff = new Option<string>("--backoff") { Description = "First retry delay, doubled each time (capped at 10m)", DefaultValueFactory = _ => "5s" };
        var command = new Command("renew", "Renew the certificates listed in a configuration file when they are due.") { config, renewAfter, deployHook, force, watch, interval, retries, backoff };
        common.AddTo(command, includeIdentity: false);
        command.SetAction((result, cancellationToken) => ClientConsole.RunAsync(result, common.Json, "renew", async console =>
        {
            var settings = new Settings(
                RenewConfig.Load(result.GetValue(config)!),
                result.GetValue(renewAfter),
                result.GetValue(deployHook),
                result.GetValue(force),
                Math.Max(0, result.GetValue(retries)),
                Duration.Parse(result.GetValue(backoff)!, "--backoff"),
                clock);
            if (settings.RenewAfterFlag is { } f && f is <= 0 or >= 1)
            {
                throw new CliUsageException($"--renew-after {f}: a fraction of the lifetime between 0 and 1, e.g. 0.6667");
            }

            var every = Duration.Parse(result.GetValue(interval)!, "--interval");
            if (!result.GetValue(watch))
            {
                return await RunOnceAsync(settings, common, result, console, cancellationToken);
            }

            console.Say($"Watching {settings.Config.Certificates.Count} certificate(s); checking every {every}. Stop with Ctrl+C or SIGTERM.");
            while (!cancellationToken.IsCancellationRequested)
            {
                try
                {
                    await RunOnceAsync(settings, common, result, console, cancellationToken);
                    await Task.Delay(every, clock, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            return ExitCodes.Ok;
        }));
        return command;
    }

    private sealed record Settings(RenewConfig Config, double? RenewAfterFlag, string? DeployHookFlag, bool Force, int Retries, TimeSpan Backoff, TimeProvider Clock);

    private sealed record Row(string Name, string Status, DateTimeOffset? Expires, DateTimeOffset? Due, string Detail, int ExitCode);

    private static async Task<int> RunOnceAsync(Settings settings, ClientOptions common, ParseResult result, ClientConsole console, CancellationToken cancellationToken)
    {
        var rows = new List<Row>();
        foreach (var certificate in settings.Config.Certificates)
        {
            rows.Add(await RenewOneAsync(settings, certificate, common, result, console, cancellationToken));
        }

        var code = rows.Max(r => r.ExitCode);
        if (console.IsJson)
        {
            console.WriteJson(new
            {
                ok = code == 0,
                exitCode = code,
                checkedAt = settings.Clock.GetUtcNow().ToString("o", CultureInfo.InvariantCulture),
                certificates = rows.Select(r => new { name = r.Name, status = r.Status, expires = r.Expires?.ToString("o", CultureInfo.InvariantCulture), renewAfter = r.Due?.ToString("o", CultureInfo.InvariantCulture), detail = r.Detail }),
            });
        }
        else
        {
            var table = new Table().AddColumns("Certificate", "Status", "Expires (UTC)", "Renews after (UTC)", "Detail");
            foreach (var r in rows)
            {
                table.AddRow(ClientConsole.Escape(r.Name), r.Status, Format(r.Expires), Format(r.Due), ClientConsole.Escape(r.Detail));
            }

            console.Table(table);
        }

        foreach (var r in rows.Where(r => r.ExitCode != 0))
        {
            console.Error.WriteLine($"estuary renew: {r.Name}: {r.Detail}");
        }

        return code;
    }

    private static string Format(DateTimeOffset? t) => t?.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) ?? "";

    private static async Task<Row> RenewOneAsync(Settings settings, RenewedCertificate c, ClientOptions common, ParseResult result, ClientConsole console, CancellationToken cancellationToken)
    {
        var name = c.Name!;
        System.Security.Cryptography.X509Certificates.X509Certificate2 current;
        try
        {
            current = CredentialFiles.ReadCertificates(c.Cert!, "cert")[0];
        }
        catch (CliUsageException e)
        {
            return new Row(name, "error", null, null, e.Message + "; enroll it first with `estuary enroll`", ExitCodes.Usage);
        }

        var notBefore = new DateTimeOffset(current.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(current.NotAfter.ToUniversalTime());
        var fraction = settings.RenewAfterFlag ?? c.RenewAfter ?? settings.Config.RenewAfter ?? DefaultRenewAfter;
        var due = notBefore + ((notAfter - notBefore) * fraction);
        var now = settings.Clock.GetUtcNow();
        if (now < due && !settings.Force)
        {
            return new Row(name, "not due", notAfter, due, "", ExitCodes.Ok);
        }

        if (now >= notAfter)
        {
            return new Row(name, "expired", notAfter, due, "the certificate has expired and cannot authenticate its renewal; enroll again with `estuary enroll`", ExitCodes.Refused);
        }

        EstClientOptions connection;
        KeySpec? keySpec;
        try
        {
            connection = Connection(c, settings.Config, common, result);
            keySpec = c.KeyType is null ? null : KeySpec.Parse(c.KeyType);
        }
        catch (Exception e) when (e is CliUsageException or ArgumentException)
        {
            return new Row(name, "error", notAfter, due, e.Message, ExitCodes.Usage);
        }

        CertificateRenewal.Outcome? outcome = null;
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                outcome = await CertificateRenewal.RenewAsync(connection, c.Cert!, c.Key!, c.Rekey, keySpec, c.Cert!, c.Key!, c.Chain, cancellationToken);
                break;
            }
            catch (EstClientException e) when (attempt < settings.Retries && IsRetryable(e))
            {
                var delay = settings.Backoff * Math.Pow(2, attempt);
                if (delay > TimeSpan.FromMinutes(10))
                {
                    delay = TimeSpan.FromMinutes(10);
                }

                console.Error.WriteLine($"estuary renew: {name}: {e.Message}; retry {attempt + 1}/{settings.Retries} in {delay.TotalSeconds:0} s");
                await Task.Delay(delay, settings.Clock, cancellationToken);
            }
            catch (EstClientException e)
            {
                return new Row(name, "failed", notAfter, due, e.Message + (ExitCodes.Hint(e) is { } h ? " (" + h + ")" : ""), ExitCodes.Of(e.Kind));
            }
            catch (CliUsageException e)
            {
                return new Row(name, "error", notAfter, due, e.Message, ExitCodes.Usage);
            }
            catch (CliFailure e)
            {
                return new Row(name, "failed", notAfter, due, e.Message, e.ExitCode);
            }
        }

        var renewed = outcome!.Certificate;
        var newNotAfter = new DateTimeOffset(renewed.NotAfter.ToUniversalTime());
        var newDue = new DateTimeOffset(renewed.NotBefore.ToUniversalTime()) + ((newNotAfter - new DateTimeOffset(renewed.NotBefore.ToUniversalTime())) * fraction);
        var detail = outcome.Rekeyed ? "renewed with a new key" : "renewed";
        var hook = c.DeployHook ?? settings.DeployHookFlag ?? settings.Config.DeployHook;
        if (hook is not null)
        {
            var (exit, output) = await DeployHook.RunAsync(hook, c, cancellationToken);
            if (exit != 0)
            {
                return new Row(name, "renewed, hook failed", newNotAfter, newDue, $"the deploy hook exited with {exit}: {output}", ExitCodes.DeployHookFailed);
            }

            detail += "; deploy hook ran";
        }

        return new Row(name, "renewed", newNotAfter, newDue, detail, ExitCodes.Ok);
    }

    /// <summary>Worth another try: the network, a timeout, a pending approval or a 5xx; not a refusal or a trust failure.</summary>
    private static bool IsRetryable(EstClientException e) => e.Kind switch
    {
        EstClientErrorKind.Network or EstClientErrorKind.Timeout or EstClientErrorKind.PendingTimeout => true,
        EstClientErrorKind.Refused => e.StatusCode is { } s && (int)s >= 500,
        _ => false,
    };

    private static EstClientOptions Connection(RenewedCertificate c, RenewConfig config, ClientOptions common, ParseResult result)
    {
        var server = ClientOptions.ParseServer(c.Server ?? config.Server ?? result.GetValue(common.Server), "server");
        var flags = common.Build(result, identity: null, label: null, server: server);
        var caCert = c.CaCert ?? config.CaCert;
        return new EstClientOptions
        {
            Server = server,
            Label = c.Label ?? config.Label ?? flags.Label,
            TrustAnchors = caCert is null ? flags.TrustAnchors : CredentialFiles.ReadCertificates(caCert, "cacert"),
            TrustFingerprint = c.TrustFingerprint ?? config.TrustFingerprint ?? flags.TrustFingerprint,
            Timeout = flags.Timeout,
            MaxPendingWait = flags.MaxPendingWait,
        };
    }
}
