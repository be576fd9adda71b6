namespace Estuary.Cli.Backup;

/// <summary>One file of a backup: its entry name in the archive, size, Unix mode at backup time (octal) and SHA-256 (hex).</summary>
internal sealed record ManifestFile(string Path, long Size, string Mode, string Sha256);
