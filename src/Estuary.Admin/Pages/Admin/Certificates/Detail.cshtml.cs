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

    public string? Problem { get; private set; }

    public string? Message { get; private set; }

    public CertificateSummary Summary { get; private set; } = null!;

    public string? Replaces { get; private set; }

    public string Fingerprint { get; private set; } = "";

    public string KeyAlgorithm { get; private set; } = "";

    public string Pem { get; private set; } = "";

    public async Task<IActionResult> OnGetAsync(string serial, CancellationToken ct)
    {
        if (await store.FindCertificateAsync(serial, ct) is not { } record)
        {
            return NotFound();
        }

        Summary = CertificateSummary.From(record, time.GetUtcNow());
        Replaces = record.Replaces;
        RevocationReason = record.RevocationReason is { } code ? $"{RevocationReasons.Name(code)} ({code})" : null;
        using var certificate = X509CertificateLoader.LoadCertificate(record.Der);
        var ca = CaCertificateSummary.From("", certificate);
        Fingerprint = ca.Sha256Fingerprint;
        KeyAlgorithm = ca.KeyAlgorithm;
        Pem = CaOverview.Pem(record.Der);
        return Page();
    }

    /// <summary>
    /// Revokes through the RA's <see cref="RevocationService"/> (audited, CRL re-signed). The form asks for an
    /// explicit confirmation because revocation here is final (certificateHold is not offered).
    /// </summary>
    public async Task<IActionResult> OnPostRevokeAsync(string serial, string? reason, bool confirm, CancellationToken ct)
    {
        if (!confirm)
        {
            Problem = "Tick the confirmation: revocation cannot be undone.";
        }
        else if (!RevocationReasons.TryParse(reason ?? "", out var parsed))
        {
            Problem = $"Choose a revocation reason ({string.Join(", ", RevocationReasons.Names)}).";
        }
        else
        {
            var result = await revocation.RevokeAsync(serial, parsed, AdminActor.Of(User), ct);
            if (result.Error is { } error)
            {
                Problem = error.Message;
            }
            else
            {
                Message = result.Value!.AlreadyRevoked ? "The certificate was already revoked." : $"Certificate revoked ({RevocationReasons.Name((int)parsed)}); the CRL and OCSP say so now.";
            }
        }

        var page = await OnGetAsync(serial, ct);
        if (Problem is not null && page is PageResult)
        {
            Response.StatusCode = Microsoft.AspNetCore.Http.StatusCodes.Status400BadRequest;
        }

        return page;
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
