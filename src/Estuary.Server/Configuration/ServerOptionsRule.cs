namespace Estuary.Server.Configuration;

/// <summary>The server's own words: base64 layout, cipher suites, the public base URL, the log format, the data folder.</summary>
internal sealed class ServerOptionsRule : IConfigurationRule
{
    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        if (context.Bind<EstuaryOptions>(ConfigurationSchema.Root) is { } options)
        {
            Check(context, "Estuary:Base64Layout", options.Base64Layout, "is not auto, wrapped or single-line", () => _ = options.FixedLayout);
            Check(context, "Estuary:TlsCipherSuites", options.TlsCipherSuites, "is not aead or runtime", () => _ = options.RestrictCipherSuites);
            if (!string.IsNullOrWhiteSpace(options.PublicBaseUrl)
                && !(Uri.TryCreate(options.PublicBaseUrl, UriKind.Absolute, out var url) && url.Scheme is "http" or "https"))
            {
                context.Add("Estuary:PublicBaseUrl", options.PublicBaseUrl, "is not an http:// or https:// URL (it goes into every certificate's CRL and OCSP pointers), e.g. http://pki.example.com");
            }

            if (File.Exists(options.DataDir))
            {
                context.Add("Estuary:DataDir", options.DataDir, "is a file, not a folder: name a folder (it is created on first start)");
            }
        }

        if (context.Bind<LoggingOptions>("Estuary:Logging") is { } logging
            && !logging.IsJson && !string.Equals(logging.Format.Trim(), LoggingOptions.Simple, StringComparison.OrdinalIgnoreCase))
        {
            context.Add("Estuary:Logging:Format", logging.Format, "is not simple or json");
        }

        return ValueTask.CompletedTask;
    }

    private static void Check(ConfigurationCheckContext context, string key, string value, string message, Action read)
    {
        try
        {
            read();
        }
        catch (ArgumentException)
        {
            context.Add(key, value, message);
        }
    }
}
