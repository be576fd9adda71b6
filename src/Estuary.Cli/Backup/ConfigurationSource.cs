namespace Estuary.Cli.Backup;

/// <summary>A configuration file in the backup: its entry name and where it was read from.</summary>
/// <param name="Entry">config/NAME in the archive.</param>
/// <param name="Source">The absolute path it was read from.</param>
/// <param name="PinRemoved">True when Estuary:Ca:Pkcs11:Pin was blanked in the copy.</param>
internal sealed record ConfigurationSource(string Entry, string Source, bool PinRemoved);
