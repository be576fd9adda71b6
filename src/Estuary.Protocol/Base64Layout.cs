namespace Estuary.Protocol;

/// <summary>
/// How a base64 body is laid out on the wire. RFC 8951 §3 allows either; peers do not:
/// strongSwan 5.9.8 decodes only unbroken base64, libest 3.2.0 only lines shorter than ~1,000 characters.
/// </summary>
public enum Base64Layout
{
    /// <summary>64-column lines, each ending in LF (what curl, libest and Bouncy Castle send).</summary>
    Wrapped64,

    /// <summary>One unbroken line followed by a single LF (what strongSwan 5.9.8 can read).</summary>
    SingleLine,
}
