namespace Estuary.Storage;

/// <summary>
/// A server-generated private key kept because its profile archives keys: CMS EnvelopedData to the profile's
/// archive certificate (never the plain key), stored beside the certificate record with the same serial.
/// </summary>
public sealed record ArchivedKey(string Serial, byte[] EnvelopedKey, DateTimeOffset ArchivedAt);
