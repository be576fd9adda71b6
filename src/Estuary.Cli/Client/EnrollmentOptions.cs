using System.CommandLine;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Cli.Client;

/// <summary>What enroll and serverkeygen share: the CSR's subject and names, the key type, and where the files go.</summary>
internal sealed class EnrollmentOptions
{
    public const string P12PasswordVariable = "ESTUARY_P12_PASSWORD";

    public Option<string?> Subject { get; } = new("--subject") { Description = "Subject DN, e.g. \"CN=device-42,O=Example\"" };

    public Option<string?> CommonName { get; } = new("--cn") { Description = "Subject common name (shortcut for --subject CN=NAME)" };

    public Option<string[]> Dns { get; } = new("--dns") { Description = "DNS name for subjectAltName (repeatable)", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> Ip { get; } = new("--ip") { Description = "IP address for subjectAltName (repeatable)", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> Email { get; } = new("--email") { Description = "E-mail address for subjectAltName (repeatable)", AllowMultipleArgumentsPerToken = true };

    public Option<string?> KeyType { get; } = new("--key-type") { Description = "P-256 (default), P-384, P-521, RSA-2048, RSA-3072, RSA-4096, ML-DSA-44, ML-DSA-65 or ML-DSA-87; without it the key the server asks for in csrattrs" };

    public Option<string> OutDir { get; } = new("--out-dir") { Description = "Folder for key.pem (mode 0600), cert.pem and chain.pem; created 0700 if missing; a pending request is kept in its .estuary-pending", DefaultValueFactory = _ => "." };

    public Option<string?> P12 { get; } = new("--p12") { Description = "Also write a PKCS#12 file with the key, certificate and chain" };

    public Option<string?> P12Password { get; } = new("--p12-password") { Description = "Password of the PKCS#12 file (better: environment variable " + P12PasswordVariable + ")" };

    public Option<bool> NoCsrAttrs { get; } = new("--no-csrattrs") { Description = "Do not ask the server's csrattrs before building the CSR" };

    public Option<bool> Force { get; } = new("--force") { Description = "Replace key.pem, cert.pem, chain.pem and the --p12 file if they exist (without it: refused before anything is sent)" };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Subject, CommonName, Dns, Ip, Email, KeyType, OutDir, P12, P12Password, NoCsrAttrs, Force })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>Every flag that can be wrong without asking the server, checked before the first request; returns the subject.</summary>
    public X500DistinguishedName Check(ParseResult result)
    {
        var subject = ReadSubject(result);
        _ = IpAddresses(result);
        _ = ChooseKey(result, null);
        return subject;
    }

    public X500DistinguishedName ReadSubject(ParseResult result)
    {
        var subject = result.GetValue(Subject);
        var cn = result.GetValue(CommonName);
        if (subject is not null && cn is not null)
        {
            throw new CliUsageException("pass --subject or --cn, not both");
        }

        if (subject is null && cn is null && Names(result).Count == 0)
        {
            throw new CliUsageException("say who the certificate is for: --cn NAME, --subject DN, or --dns/--ip/--email");
        }

        try
        {
            return subject is not null ? new X500DistinguishedName(subject)
                : cn is not null ? CommonNameOnly(cn)
                : new X500DistinguishedName([0x30, 0x00]);
        }
        catch (CryptographicException e)
        {
            throw new CliUsageException($"--subject {subject}: not a distinguished name like \"CN=device-42,O=Example\" ({e.Message})", e);
        }
    }

    private static X500DistinguishedName CommonNameOnly(string cn)
    {
        var builder = new X500DistinguishedNameBuilder();
        builder.AddCommonName(cn);
        return builder.Build();
    }

    public List<string> Names(ParseResult result) =>
        [.. result.GetValue(Dns) ?? [], .. result.GetValue(Ip) ?? [], .. result.GetValue(Email) ?? []];

    public List<IPAddress> IpAddresses(ParseResult result) => (result.GetValue(Ip) ?? []).Select(text =>
        IPAddress.TryParse(text, out var ip) ? ip : throw new CliUsageException($"--ip {text}: not an IPv4 or IPv6 address")).ToList();

    /// <summary>The key to generate: the flag, else what csrattrs asks for, else P-256.</summary>
    public KeySpec ChooseKey(ParseResult result, CsrAttributesInfo? attributes)
    {
        if (result.GetValue(KeyType) is { } text)
        {
            try
            {
                return KeySpec.Parse(text);
            }
            catch (ArgumentException e)
            {
                throw new CliUsageException("--key-type: " + e.Message, e);
            }
        }

        return attributes is null ? KeySpec.P256 : KeySpec.FromCsrAttributes(attributes) ?? KeySpec.P256;
    }

    public byte[] BuildCsr(ParseResult result, AsymmetricAlgorithm key, CsrAttributesInfo? attributes, IEnumerable<AsnEncodedData>? extraAttributes = null)
    {
        var subject = ReadSubject(result);
        var hash = attributes is null ? null : CsrBuilder.HashFrom(attributes);
        try
        {
            return CsrBuilder.Build(key, subject, result.GetValue(Dns), IpAddresses(result), result.GetValue(Email), hash, extraAttributes);
        }
        catch (ArgumentException e)
        {
            throw new CliUsageException("cannot build the CSR: " + e.Message, e);
        }
    }

    /// <summary>
    /// The key and CSR of this run: those kept by an earlier run that is still pending — RFC 7030 §4.2.3: the
    /// client repeats the same request, so a re-run collects what was approved — or new ones, shaped by csrattrs.
    /// </summary>
    public async Task<KeyAndRequest> KeyAndRequestAsync(ParseResult result, string operation, EstClientOptions connection, X500DistinguishedName subject, OutputFiles output, EstClient client, ClientConsole console, CancellationToken cancellationToken)
    {
        if (PendingEnrollment.Find(output.Dir) is { } pending)
        {
            pending.CheckSameAs(operation, connection, subject);
            var kept = Pkcs12.LoadKey(pending.KeyPkcs8 ?? throw new CliUsageException($"{pending.Folder} lacks key.pem; move that folder away to start a new request"));
            console.Say($"Repeating the request kept in {pending.Folder} since {pending.Record.CreatedAt:u}");
            return new KeyAndRequest(kept, pending.Csr, null, pending);
        }

        var attributes = result.GetValue(NoCsrAttrs) ? null : await client.GetCsrAttributesAsync(cancellationToken);
        var key = ChooseKey(result, attributes).Generate();
        return new KeyAndRequest(key, BuildCsr(result, key, attributes), attributes, null);
    }

    /// <summary>The files this enrollment writes, from --out-dir, --p12 and the PKCS#12 password.</summary>
    public OutputFiles Outputs(ParseResult result) =>
        new(result.GetValue(OutDir)!, result.GetValue(P12), result.GetValue(P12Password) ?? Environment.GetEnvironmentVariable(P12PasswordVariable));
}

/// <summary>A run's key and CSR, the csrattrs answer they were built from (none when repeated) and the kept request, if repeated.</summary>
internal sealed record KeyAndRequest(AsymmetricAlgorithm Key, byte[] Csr, CsrAttributesInfo? Attributes, PendingEnrollment? Pending);
