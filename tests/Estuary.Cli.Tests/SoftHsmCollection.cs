using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// Tests that load the PKCS#11 module in this process: SoftHSM reads SOFTHSM2_CONF once per initialisation and a
/// module is initialised once per process, so they never run at the same time.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SoftHsmCollection
{
    public const string Name = "SoftHSM";
}
