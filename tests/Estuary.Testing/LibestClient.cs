namespace Estuary.Testing;

/// <summary>
/// Cisco libest's estclient (3.2.0), the reference EST client. Debian does not package it: test.sh builds it as root
/// with ../shared/interop/build-libest.sh and exports its path as ESTUARY_LIBEST_CLIENT; without that variable the
/// build's cache path is used. A missing client fails the test that needs it with how to get it, never a skip.
/// </summary>
public static class LibestClient
{
    /// <summary>Where build-libest.sh installs estclient by default.</summary>
    public const string CachePath = "/var/cache/estuary-interop/libest-a464ba8/bin/estclient";

    /// <summary>The estclient to run.</summary>
    /// <exception cref="FileNotFoundException">Not built, with the command that builds it.</exception>
    public static string Path
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("ESTUARY_LIBEST_CLIENT") is { Length: > 0 } configured ? configured : CachePath;
            if (!File.Exists(path))
            {
                throw new FileNotFoundException(
                    $"libest estclient is not at {path}: run ./test.sh as root (it builds libest), or `sudo bash {System.IO.Path.Combine(RepositoryPaths.Shared, "interop", "build-libest.sh")}` once, or set ESTUARY_LIBEST_CLIENT",
                    path);
            }

            return path;
        }
    }
}
