using Estuary.Protocol.Cmc;

namespace Estuary.Client;

/// <summary>
/// The server answered a Full PKI Request with a CMC status other than success (RFC 5272 §6.1.1): the
/// exchange itself worked, the request was refused. <see cref="FailInfo"/> says why in CMC terms.
/// </summary>
public sealed class EstCmcException : Exception
{
    public EstCmcException()
    {
    }

    public EstCmcException(string message)
        : base(message)
    {
    }

    public EstCmcException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EstCmcException(string operation, CmcStatusInfo status)
        : base($"{operation}: the server answered CMC {Describe(status)}")
    {
        Status = status.Status;
        FailInfo = status.FailInfo;
        StatusString = status.StatusString;
        BodyList = status.BodyList;
    }

    public CmcStatus Status { get; } = CmcStatus.Failed;

    /// <summary>CMCFailInfo (RFC 5272 §6.1.4) when the server gave one.</summary>
    public CmcFailInfo? FailInfo { get; }

    /// <summary>The server's statusString, when it gave one.</summary>
    public string? StatusString { get; }

    /// <summary>The body parts the status is about.</summary>
    public IReadOnlyList<long> BodyList { get; } = [];

    /// <summary>"failed (badRequest): reason" — the RFC 5272 names, lower camel case like the ASN.1 module.</summary>
    public static string Describe(CmcStatusInfo status)
    {
        var text = Camel(status.Status.ToString());
        if (status.FailInfo is { } failInfo)
        {
            text += $" ({Camel(failInfo.ToString())})";
        }

        return status.StatusString is { Length: > 0 } reason ? text + ": " + reason : text;
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];
}
