using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Estuary.Client;

namespace Estuary.Ra;

/// <summary>Checks an <see cref="AdapterDefinition"/> before it is saved or served; every problem is named with its field.</summary>
public static class AdapterValidator
{
    /// <summary>The problems of a definition; empty means it can be served. <paramref name="hasPassword"/> counts a saved password.</summary>
    public static IReadOnlyList<string> Validate(AdapterDefinition adapter, bool hasPassword)
    {
        var problems = new List<string>();
        if (!LabelRegistry.IsValidLabel(adapter.Name))
        {
            problems.Add("Name must be 1 to 64 characters of letters, digits, '-', '_' or '.'");
        }
        else if (adapter.Name == TemplateCompiler.BuiltinAdapter)
        {
            problems.Add($"Name: '{TemplateCompiler.BuiltinAdapter}' is the built-in CA; choose another name");
        }

        if (adapter.Kind != AdapterDefinition.UpstreamEst)
        {
            problems.Add($"Kind: '{adapter.Kind}' is not an adapter kind (known: {AdapterDefinition.UpstreamEst})");
        }

        if (!Uri.TryCreate(adapter.BaseUrl.Trim(), UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttps)
        {
            problems.Add("BaseUrl must be an https:// URL of the upstream EST server (EST runs over TLS only, RFC 7030 §3.3)");
        }
        else if (url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            problems.Add("BaseUrl must not carry user info, a query or a fragment; give credentials in Username and Password");
        }

        if (!string.IsNullOrWhiteSpace(adapter.Label) && !LabelRegistry.IsValidLabel(adapter.Label.Trim()))
        {
            problems.Add("Label: an upstream CA label is 1 to 64 characters of letters, digits, '-', '_' or '.' (RFC 7030 §3.2.2)");
        }

        var hasPem = !string.IsNullOrWhiteSpace(adapter.TrustAnchorPem);
        var hasFingerprint = !string.IsNullOrWhiteSpace(adapter.TrustAnchorFingerprint);
        if (!hasPem && !hasFingerprint)
        {
            problems.Add("trust anchor: give the upstream's root CA as TrustAnchorPem (PEM) or its SHA-256 TrustAnchorFingerprint (RFC 7030 §3.6.1, §4.1.1)");
        }

        if (hasPem && TrustAnchors(adapter.TrustAnchorPem!) is { Count: 0 })
        {
            problems.Add("TrustAnchorPem holds no readable certificate (expected -----BEGIN CERTIFICATE-----)");
        }

        if (hasFingerprint)
        {
            try
            {
                TrustFingerprint.Normalize(adapter.TrustAnchorFingerprint!);
            }
            catch (ArgumentException)
            {
                problems.Add("TrustAnchorFingerprint must be 64 hexadecimal digits (colons allowed), as `openssl x509 -noout -fingerprint -sha256` prints it");
            }
        }

        var hasUser = !string.IsNullOrWhiteSpace(adapter.Username);
        if (hasUser && adapter.Username!.Contains(':', StringComparison.Ordinal))
        {
            problems.Add("Username must not contain ':' (RFC 7617 §2)");
        }

        if (hasUser && !hasPassword)
        {
            problems.Add("Password is required with Username");
        }

        if (!hasUser && !string.IsNullOrEmpty(adapter.Password))
        {
            problems.Add("Username is required with Password");
        }

        var hasCertificate = !string.IsNullOrWhiteSpace(adapter.ClientCertificatePath);
        var hasKey = !string.IsNullOrWhiteSpace(adapter.ClientKeyPath);
        if (hasCertificate != hasKey)
        {
            problems.Add("ClientCertificatePath and ClientKeyPath go together: name both PEM files or neither");
        }
        else if (hasCertificate)
        {
            try
            {
                using var certificate = LoadClientCertificate(adapter);
                if (!certificate.HasPrivateKey)
                {
                    problems.Add("ClientKeyPath: the key does not belong to the certificate");
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
            {
                problems.Add($"ClientCertificatePath/ClientKeyPath: cannot load the client certificate and key: {e.Message}");
            }
        }

        if (!hasUser && !hasCertificate)
        {
            problems.Add("credentials: give the upstream account as Username and Password (HTTP Basic) and/or a TLS client certificate (ClientCertificatePath and ClientKeyPath)");
        }

        if (adapter.TimeoutSeconds is < 1 or > 300)
        {
            problems.Add("TimeoutSeconds must be between 1 and 300");
        }

        if (adapter.CaCertsRefreshMinutes is < 1 or > 1440)
        {
            problems.Add("CaCertsRefreshMinutes must be between 1 and 1440");
        }

        return problems;
    }

    internal static X509Certificate2Collection TrustAnchors(string pem)
    {
        var anchors = new X509Certificate2Collection();
        try
        {
            anchors.ImportFromPem(pem);
        }
        catch (CryptographicException)
        {
            anchors.Clear();
        }

        return anchors;
    }

    /// <summary>The RA's client certificate for the upstream, with its key, from the two PEM files.</summary>
    internal static X509Certificate2 LoadClientCertificate(AdapterDefinition adapter) =>
        X509Certificate2.CreateFromPemFile(adapter.ClientCertificatePath!.Trim(), adapter.ClientKeyPath!.Trim());
}
