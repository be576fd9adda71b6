namespace Estuary.Storage;

/// <summary>How many certificates a CA label issued on one UTC day (<see cref="IManagementStore.CountIssuedAsync"/>).</summary>
public sealed record IssuedCount(DateOnly Day, string Label, int Count);
