using Xunit;

namespace Estuary.Ra.Tests;

public sealed class PasswordHasherTests
{
    [Fact]
    public void A_hash_verifies_its_password_only_and_never_contains_it()
    {
        var hasher = new PasswordHasher(TimeProvider.System, TimeSpan.FromMinutes(1), iterations: 1000);
        var hash = hasher.Hash("s3cret-Pass");

        Assert.StartsWith("pbkdf2-sha256$1000$", hash, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-Pass", hash, StringComparison.Ordinal);
        Assert.True(hasher.Verify("u", "s3cret-Pass", hash));
        Assert.False(hasher.Verify("u", "s3cret-pass", hash));
        Assert.NotEqual(hash, hasher.Hash("s3cret-Pass")); // salted
    }

    [Fact]
    public void A_remembered_check_does_not_accept_another_password_or_a_changed_hash()
    {
        var hasher = new PasswordHasher(TimeProvider.System, TimeSpan.FromMinutes(10), iterations: 1000);
        var hash = hasher.Hash("first");
        Assert.True(hasher.Verify("u", "first", hash));

        Assert.False(hasher.Verify("u", "second", hash));
        var changed = hasher.Hash("second");
        Assert.False(hasher.Verify("u", "first", changed));
        Assert.True(hasher.Verify("u", "second", changed));
    }

    [Theory]
    [InlineData("")]
    [InlineData("plain")]
    [InlineData("pbkdf2-sha256$x$y$z")]
    [InlineData("pbkdf2-sha256$1000$!!$!!")]
    public void Malformed_stored_hashes_never_verify(string stored)
    {
        var hasher = new PasswordHasher(TimeProvider.System, TimeSpan.FromMinutes(1));
        Assert.False(hasher.Verify("u", "anything", stored));
    }
}
