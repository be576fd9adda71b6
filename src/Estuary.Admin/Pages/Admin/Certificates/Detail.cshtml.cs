using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Ra;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Certificates;

/// <summary>One certificate, with downloads as PEM, DER and PEM with the CA chain, and revocation (RFC 5280 §5.3.1).</summary>
public sealed class DetailModel(IEstuaryStore store, CaMaterial material, TimeProvider time, RevocationService revocation) : PageModel
{
    public string? RevocationReason { get; private set; }

    public ConsoleFlash? Flash { get; private set; }

    public Confirmation? Confirmation { get; private set; }

    public CertificateSummary Summary { get; private set; } = null!;

    public string? Replaces { get; private set; }

    public string Fingerprint { get; private set; } = "";

    public string KeyAlgorithm { get; private set; } = "";

    public string Pem { get; private set; } = "";

    /// <summary>The certificate; with confirm=revoke and a reason, the question revocation asks first.</summary>
    public async Task<IActionResult> OnGetAsync(string serial, string? confirm, string? reason, CancellationToken ct)
    {
        if (await store.FindCertificateAsync(serial, ct) is not { } record)
        {
            return NotFound();
        }

        Flash = ConsoleFlash.Take(TempData);
        Summary = CertificateSummary.From(record, time.GetUtcNow());
        Replaces = record.Replaces;
        RevocationReason = record.RevocationReason is { } code ? $"{RevocationReasons.Name(code)} ({code})" : null;
        using var certificate = X509CertificateLoader.LoadCertificate(record.Der);
        var ca = CaCertificateSummary.From("", certificate);
        Fingerprint = ca.Sha256Fingerprint;
        KeyAlgorithm = ca.KeyAlgorithm;
        Pem = CaOverview.Pem(record.Der);
        if (confirm == "revoke" && record.RevokedAt is null)
        {
            if (RevocationReasons.TryParse(reason ?? "", out var parsed))
            {
                Confirmation = new Confirmation(
                    $"Revoke certificate {Summary.Serial} ({Summary.Subject}) for {RevocationReasons.Name((int)parsed)}?",
                    "This cannot be undone: the CRL and OCSP say revoked at once, and the holder can no longer authenticate with it.",
                    "revoke",
                    "Revoke certificate",
                    Request.Path)
                {
                    Fields = new Dictionary<string, string> { ["reason"] = RevocationReasons.Name((int)parsed) },
                };
            }
            else
            {
                Flash = ConsoleFlash.Failed($"Choose a revocation reason ({string.Join(", ", RevocationReasons.Names)}).");
            }
        }

        return Page();
    }

    /// <summary>
    /// The confirming POST of revocation, through the RA's <see cref="RevocationService"/> (audited, CRL re-signed).
    /// Revocation here is final (certificateHold is not offered), so the page asked first.
    /// </summary>
    public async Task<IActionResult> OnPostRevokeAsync(string serial, string? reason, CancellationToken ct)
    {
        ConsoleFlash flash;
        if (!RevocationReasons.TryParse(reason ?? "", out var parsed))
        {
            flash = ConsoleFlash.Failed($"Choose a revocation reason ({string.Join(", ", RevocationReasons.Names)}).");
        }
        else
        {
            var result = await revocation.RevokeAsync(serial, parsed, AdminActor.Of(User), ct);
            flash = result.Error is { } error ? ConsoleFlash.Failed(error.Message)
                : result.Value!.AlreadyRevoked ? ConsoleFlash.Done("The certificate was already revoked.")
                : ConsoleFlash.Done($"Certificate revoked ({RevocationReasons.Name((int)parsed)}); the CRL and OCSP say so now.");
        }

        flash.Store(TempData);
        return new SeeOtherResult(Request.Path);
    }

    public Task<IActionResult> OnGetPemAsync(string serial, CancellationToken ct) =>
        DownloadAsync(serial, r => File(System.Text.Encoding.ASCII.GetBytes(CaOverview.Pem(r.Der)), "application/x-pem-file", r.Serial + ".pem"), ct);

    public Task<IActionResult> OnGetDerAsync(string serial, CancellationToken ct) =>
        DownloadAsync(serial, r => File(r.Der, "application/pkix-cert", r.Serial + ".cer"), ct);

    public Task<IActionResult> OnGetChainAsync(string serial, CancellationToken ct) =>
        DownloadAsync(serial, r => File(System.Text.Encoding.ASCII.GetBytes(CaOverview.ChainPem(r.Der, material)), "application/pem-certificate-chain", r.Serial + "-chain.pem"), ct);

    private async Task<IActionResult> DownloadAsync(string serial, Func<CertificateRecord, IActionResult> result, CancellationToken ct) =>
        await store.FindCertificateAsync(serial, ct) is { } record ? result(record) : NotFound();
}
