namespace Estuary.Storage;

/// <summary>
/// A managed object (certificate template or adapter) as storage keeps it: a name and a JSON definition that
/// the RA owns and validates. Storage does not interpret the JSON, so the model can grow without migrations.
/// </summary>
public sealed record StoredDefinition(string Name, string Json, DateTimeOffset UpdatedAt, string UpdatedBy);
