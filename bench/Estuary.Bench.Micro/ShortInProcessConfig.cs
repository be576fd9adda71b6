using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;

namespace Estuary.Bench.Micro;

/// <summary>
/// A short job run in this process: no generated project to build (slow on a busy 2-core machine),
/// 3 warm-up and 5 measured iterations. Enough to see the ratios; use the default job for publication.
/// </summary>
public sealed class ShortInProcessConfig : ManualConfig
{
    public ShortInProcessConfig()
    {
        AddJob(Job.ShortRun.WithIterationCount(5).WithToolchain(InProcessEmitToolchain.Instance));
    }
}
