using Estuary.Bench.Load;

// Enrollment load generator (see docs/BENCHMARKS.md):
//   gen-csrs --out FILE --count N [--subject CN=...] [--key-type p-256|rsa-2048|ml-dsa-44|ml-dsa-65|ml-dsa-87] [--rsa]
//       pre-generate distinct CSRs (outside any timed run)
//   enroll-client --url EST_URL --root ROOT.pem --user U --password P --out-dir DIR --count N
//   run --mode keepalive|handshake|resume|mtls --url EST_URL --root ROOT.pem --csrs FILE [--user U --password P]
//       [--client-dir DIR] [--tls 1.2|1.3] --concurrency C --seconds S [--server-pid PID]
var options = Arguments.Parse(args.Skip(1));
return args.FirstOrDefault() switch
{
    "gen-csrs" => CsrFile.Generate(options),
    "enroll-client" => await ClientCertificates.EnrollAsync(options),
    "run" => await LoadRun.RunAsync(options),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: Estuary.Bench.Load gen-csrs|enroll-client|run [--option value ...] (see docs/BENCHMARKS.md)");
    return 2;
}
