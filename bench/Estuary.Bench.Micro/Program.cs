using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Estuary.Bench.Micro -- --filter '*'
// dotnet run -c Release --project bench/Estuary.Bench.Micro -- --sizes   (ML-DSA vs P-256 sizes, docs/BENCHMARKS.md)
if (args is ["--sizes"])
{
    Estuary.Bench.Micro.PqcBenchmarks.PrintSizes();
    return;
}

BenchmarkSwitcher.FromAssembly(typeof(Estuary.Bench.Micro.IssuanceBenchmarks).Assembly).Run(args);
