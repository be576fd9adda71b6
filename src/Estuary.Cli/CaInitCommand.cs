using System.CommandLine;
using Estuary.Ca;
using Microsoft.Extensions.Configuration;

namespace Estuary.Cli;

/// <summary>
/// `estuary ca init [--pkcs11 …]`: creates the CA hierarchy of a data folder before the first `serve`. With
/// --pkcs11 the root and issuing keys are generated inside the token and never leave it; the certificates
/// are written to the data folder. Settings also come from Estuary__Ca__* environment variables (the PIN
/// best from Estuary__Ca__Pkcs11__Pin, so that it is not on the command line).
/// </summary>
internal static class CaInitCommand
{
    public static Command Create()
    {
        var dataDir = CaCommand.DataDirOption();
        var pkcs11 = new Option<bool>("--pkcs11") { Description = "Generate the CA keys in a PKCS#11 token (Estuary:Ca:KeyProvider=pkcs11)" };
        var module = new Option<string?>("--module") { Description = "PKCS#11 module path (Estuary:Ca:Pkcs11:ModulePath)" };
        var token = new Option<string?>("--token-label") { Description = "Token label (Estuary:Ca:Pkcs11:TokenLabel)" };
        var pin = new Option<string?>("--pin") { Description = "User PIN (Estuary:Ca:Pkcs11:Pin; prefer the environment variable Estuary__Ca__Pkcs11__Pin)" };
        var keyLabel = new Option<string?>("--key-label") { Description = "Key label prefix, default 'estuary' (Estuary:Ca:Pkcs11:KeyLabel)" };
        var command = new Command("init", "Create the root and issuing CA of a data folder.") { dataDir, pkcs11, module, token, pin, keyLabel };
        command.SetAction((result, cancellationToken) =>
        {
            var flags = new Dictionary<string, string?>();
            if (result.GetValue(pkcs11))
            {
                flags["Estuary:Ca:KeyProvider"] = "pkcs11";
            }

            void Flag(Option<string?> option, string key)
            {
                if (result.GetValue(option) is { } v)
                {
                    flags[key] = v;
                }
            }

            Flag(module, "Estuary:Ca:Pkcs11:ModulePath");
            Flag(token, "Estuary:Ca:Pkcs11:TokenLabel");
            Flag(pin, "Estuary:Ca:Pkcs11:Pin");
            Flag(keyLabel, "Estuary:Ca:Pkcs11:KeyLabel");
            var configuration = new ConfigurationBuilder().AddEnvironmentVariables().AddInMemoryCollection(flags).Build();
            var options = new CaOptions();
            configuration.GetSection("Estuary:Ca").Bind(options);
            var directory = Path.GetFullPath(result.GetValue(dataDir)!);
            if (File.Exists(Path.Combine(directory, CaDirectory.RootCertificateFile)))
            {
                Console.Error.WriteLine($"estuary ca init: {directory} already holds a CA ({CaDirectory.RootCertificateFile})");
                return Task.FromResult(2);
            }

            try
            {
                DataFolder.Secure(directory, Console.Error);
                using var material = CaDirectory.LoadOrCreate(directory, options, TimeProvider.System);
                Console.WriteLine($"created the CA in {directory}");
                Console.WriteLine($"  root CA     {material.Root.Subject} ({material.RootCertificatePath})");
                Console.WriteLine($"  issuing CA  {material.Issuing.Certificate.Subject}");
                foreach (var hierarchy in material.Hierarchies)
                {
                    Console.WriteLine($"  hierarchy   {hierarchy.Name}: {hierarchy.Issuing.Certificate.Subject} under {hierarchy.Root.Subject} ({hierarchy.Directory})");
                }
                if (options.UsesPkcs11)
                {
                    Console.WriteLine($"  keys        in PKCS#11 token '{options.Pkcs11.TokenLabel}': {options.Pkcs11.RootKeyLabel}, {options.Pkcs11.IssuingKeyLabel}");
                    Console.WriteLine("  serve with  Estuary__Ca__KeyProvider=pkcs11 and the same Estuary__Ca__Pkcs11__* settings");
                }

                return Task.FromResult(0);
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or IOException or System.Security.Cryptography.CryptographicException)
            {
                Console.Error.WriteLine("estuary ca init: " + e.Message);
                return Task.FromResult(2);
            }
        });
        return command;
    }
}
