using Estuary.Ra;
using Microsoft.Extensions.Hosting;

namespace Estuary.Admin;

/// <summary>Loads stored adapters before the server accepts requests, and before the templates that name them.</summary>
internal sealed class AdapterLoader(AdapterService adapters) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => adapters.LoadAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
