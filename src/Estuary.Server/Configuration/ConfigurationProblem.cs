namespace Estuary.Server.Configuration;

/// <summary>
/// One mistake in the configuration, as the operator reads it on one line: the key (or file), the value as
/// written (masked when the key holds a secret), what is wrong with it and what to do.
/// </summary>
public sealed record ConfigurationProblem(string Key, string? Value, string Message)
{
    /// <summary>`Estuary:Listen: "htps://x" is not an https:// URL: …`; a secret's value is shown as ***.</summary>
    public override string ToString() =>
        Value is null ? $"{Key}: {Message}" : $"{Key}: \"{SecretKeys.Mask(Key, Value)}\" {Message}";
}
