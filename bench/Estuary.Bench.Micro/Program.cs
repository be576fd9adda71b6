using BenchmarkDotNet.Running;

// dotnet run -c Release --project bench/Estuary.Bench.Micro -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Estuary.Bench.Micro.IssuanceBenchmarks).Assembly).Run(args);
