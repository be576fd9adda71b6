using Estuary.Testing;

namespace Estuary.Protocol.Tests;

/// <summary>The captured wire bytes of ../shared/vectors (see its README for how each was made).</summary>
internal static class Vectors
{
    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(RepositoryPaths.Shared, "vectors", relativePath));
}
