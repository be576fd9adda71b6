namespace Estuary.Ra;

/// <summary>A stored template as the console and API show it: its definition and when and by whom it last changed.</summary>
public sealed record ManagedTemplate(TemplateDefinition Definition, DateTimeOffset UpdatedAt, string UpdatedBy);
