namespace Estuary.Testing;

/// <summary>Where the repository and the shared/ folder beside it are, found from the test binaries.</summary>
public static class RepositoryPaths
{
    /// <summary>The folder holding Estuary.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>../shared (interop harness, vectors, docs), beside the clone as CI lays it out.</summary>
    public static string Shared
    {
        get
        {
            var shared = Environment.GetEnvironmentVariable("ESTUARY_SHARED_DIR") ?? Path.GetFullPath(Path.Combine(Root, "..", "shared"));
            if (!Directory.Exists(shared))
            {
                throw new DirectoryNotFoundException($"the shared folder (interop harness and vectors) is not at {shared}; set ESTUARY_SHARED_DIR");
            }

            return shared;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Estuary.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Estuary.slnx not found above " + AppContext.BaseDirectory);
    }
}
