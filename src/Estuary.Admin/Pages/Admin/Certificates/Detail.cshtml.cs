using System.Security.Cryptography.X509Certificates;
using Estuary.Ca;
using Estuary.Storage;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Estuary.Admin.Pages.Admin.Certificates;

/// <summary>One certificate, with downloads as PEM, DER and PEM with the CA chain.</summary>
public sealed class DetailModel(IEstuaryStore store, CaMaterial material, TimeProvider time) : PageModel
{
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
        using var certificate = X509CertificateLoader.LoadCertificate(record.Der);
        var ca = CaCertificateSummary.From("", certificate);
        Fingerprint = ca.Sha256Fingerprint;
        KeyAlgorithm = ca.KeyAlgorithm;
        Pem = CaOverview.Pem(record.Der);
        return Page();
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
