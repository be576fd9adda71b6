namespace Estuary.Ra;

/// <summary>
/// An adapter as the console and API show it: its definition without any secret, whether a password is set,
/// where it comes from (configuration is read-only) and when and by whom it last changed.
/// </summary>
public sealed record ManagedAdapter(AdapterDefinition Definition, bool HasPassword, bool FromConfiguration, DateTimeOffset? UpdatedAt, string? UpdatedBy);
