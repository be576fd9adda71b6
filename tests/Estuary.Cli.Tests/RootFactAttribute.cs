using Xunit;

namespace Estuary.Cli.Tests;

/// <summary>
/// A test that changes the machine (dpkg -i, a system user, /var/lib): it runs as root, as CI does, and is
/// skipped, saying why, anywhere else.
/// </summary>
internal sealed class RootFactAttribute : FactAttribute
{
    public RootFactAttribute()
    {
        if (!Environment.IsPrivilegedProcess)
        {
            Skip = "needs root (dpkg -i, adduser): CI runs as root; run this test as root on a throwaway machine";
        }
    }
}
