namespace Estuary.Storage;

/// <summary>An EST client that authenticates with HTTP Basic. Only a slow salted hash of its password is kept.</summary>
public sealed record EstAccount
{
    public required string Username { get; init; }

    /// <summary>The encoded password hash (see Estuary.Ra's PasswordHasher); never the password.</summary>
    public required string PasswordHash { get; init; }

    public required bool Enabled { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }
}
