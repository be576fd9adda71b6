using System.Globalization;
using Estuary.Ca;
using Estuary.Ra;

namespace Estuary.Server.Configuration;

/// <summary>
/// Estuary:Revocation: CrlPartitions is 0 (off) or a power of two from 2 to 256 (<see cref="CrlPartition"/>: the
/// partition of a certificate is the last octet of its serial modulo the count, so the count must divide 256).
/// </summary>
internal sealed class RevocationRule : IConfigurationRule
{
    private const string Section = "Estuary:Revocation";

    public ValueTask CheckAsync(ConfigurationCheckContext context, CancellationToken cancellationToken)
    {
        if (context.Bind<RevocationOptions>(Section) is not { } revocation)
        {
            return ValueTask.CompletedTask;
        }

        // A negative count is already named by the type rule ("must not be negative"): one line per mistake.
        if (revocation.CrlPartitions > 0 && !CrlPartition.IsValidCount(revocation.CrlPartitions))
        {
            context.Add(
                Section + ":CrlPartitions",
                revocation.CrlPartitions.ToString(CultureInfo.InvariantCulture),
                "must be 0 (off) or a power of two from 2 to 256: 2, 4, 8, 16, 32, 64, 128 or 256");
        }

        return ValueTask.CompletedTask;
    }
}
