using System.Security.Cryptography;
using Estuary.Protocol.Coap;

namespace Estuary.Server.Coaps;

/// <summary>
/// The CoAP message layer of one DTLS session (RFC 7252 §4, RFC 7959): piggybacked responses, deduplication of
/// retransmitted requests by message ID (§4.5: a duplicate gets the same response and the resource does not run
/// twice), Block1 reassembly into a bounded buffer, and Block2 slicing of large responses. It holds per-session
/// state only; <see cref="ReassemblyBudget"/> bounds reassembly across all sessions.
/// </summary>
public sealed class CoapExchanges(CoapsOptions options, ReassemblyBudget budget, Func<CoapRequest, CancellationToken, Task<CoapResponse>> dispatch) : IDisposable
{
    /// <summary>Responses remembered for deduplication; a client has at most NSTART (1) request outstanding (§4.7).</summary>
    public const int RememberedMessages = 32;

    /// <summary>Large responses kept for their remaining Block2 blocks.</summary>
    public const int RememberedRepresentations = 4;

    private readonly Dictionary<ushort, byte[]> _responses = [];
    private readonly Queue<ushort> _responseOrder = new();
    private readonly Dictionary<string, Upload> _uploads = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CoapResponse> _downloads = new(StringComparer.Ordinal);
    private readonly Queue<string> _downloadOrder = new();
    private readonly int _blockExponent = CoapBlock.ExponentOf(options.BlockSize);
    private ushort _nextMessageId = (ushort)RandomNumberGenerator.GetInt32(ushort.MaxValue + 1);

    /// <summary>Bytes this session holds in reassembly buffers.</summary>
    public long ReassemblyBytes => _uploads.Values.Sum(u => u.Body.Length);

    /// <summary>Answers one datagram: the response datagram, or null when none is due (ACK, RST, a dropped message).</summary>
    public async Task<byte[]?> HandleAsync(ReadOnlyMemory<byte> datagram, CancellationToken cancellationToken)
    {
        if (!CoapMessage.TryDecode(datagram.Span, out var message, out var error))
        {
            // RFC 7252 §4.2: a Confirmable message with a format error is rejected with Reset; others are ignored.
            return error.Type == CoapMessageType.Confirmable && error.MessageId is { } id ? Reset(id) : null;
        }

        if (message.Type is CoapMessageType.Acknowledgement or CoapMessageType.Reset)
        {
            return null; // this server sends no Confirmable messages of its own
        }

        if (!message.Code.IsRequest)
        {
            // An Empty Confirmable is a CoAP ping (§4.3), answered with Reset; a response sent to a server is rejected.
            return message.Type == CoapMessageType.Confirmable ? Reset(message.MessageId) : null;
        }

        if (_responses.TryGetValue(message.MessageId, out var remembered))
        {
            return remembered;
        }

        var response = await RespondAsync(message, cancellationToken);
        var reply = message.Type == CoapMessageType.Confirmable
            ? new CoapMessage(CoapMessageType.Acknowledgement, response.Code, message.MessageId, message.Token, response.Options, response.Payload)
            : new CoapMessage(CoapMessageType.NonConfirmable, response.Code, _nextMessageId++, message.Token, response.Options, response.Payload);
        var encoded = reply.Encode();
        Remember(message.MessageId, encoded);
        return encoded;
    }

    private static byte[] Reset(ushort messageId) => new CoapMessage(CoapMessageType.Reset, CoapCode.Empty, messageId).Encode();

    private void Remember(ushort messageId, byte[] encoded)
    {
        _responses[messageId] = encoded;
        _responseOrder.Enqueue(messageId);
        while (_responseOrder.Count > RememberedMessages)
        {
            _responses.Remove(_responseOrder.Dequeue());
        }
    }

    private async Task<(CoapCode Code, List<CoapOption> Options, byte[] Payload)> RespondAsync(CoapMessage message, CancellationToken cancellationToken)
    {
        if (message.Options.FirstOrDefault(o => CoapOptionNumber.IsCritical(o.Number) && !CoapOptionNumber.IsKnown(o.Number)) is { } unknown)
        {
            return Slice(CoapResponse.Diagnostic(CoapCode.BadOption, $"critical option {unknown.Number} is not supported (RFC 7252 §5.4.1)"), null, []);
        }

        var key = message.Code + " " + string.Join('/', message.All(CoapOptionNumber.UriPath).Select(o => o.AsString())) + "?" +
            string.Join('&', message.All(CoapOptionNumber.UriQuery).Select(o => o.AsString()));
        CoapBlock? block1 = null;
        CoapBlock? block2 = null;
        if (message.Find(CoapOptionNumber.Block1) is { } b1)
        {
            block1 = CoapBlock.Decode(b1.Value, out var problem);
            if (block1 is null)
            {
                return Slice(CoapResponse.Diagnostic(CoapCode.BadRequest, "Block1: " + problem), null, []);
            }
        }

        if (message.Find(CoapOptionNumber.Block2) is { } b2)
        {
            block2 = CoapBlock.Decode(b2.Value, out var problem);
            if (block2 is null)
            {
                return Slice(CoapResponse.Diagnostic(CoapCode.BadRequest, "Block2: " + problem), null, []);
            }
        }

        var body = message.Payload;
        List<CoapOption> extra = [];
        if (block1 is null && body.Length > options.MaxRequestBodyBytes)
        {
            return Slice(TooLarge(), null, []);
        }

        if (block1 is { } b)
        {
            var upload = Receive(key, b, message);
            if (upload.Response is { } refusal)
            {
                return Slice(refusal, null, []);
            }

            // RFC 7959 §2.3: the server may ask for smaller blocks by answering with a smaller SZX.
            var exponent = Math.Min(b.SizeExponent, _blockExponent);
            if (b.More)
            {
                return (CoapCode.Continue, [new CoapBlock(b.Number, true, exponent).ToOption(CoapOptionNumber.Block1)], []);
            }

            body = upload.Body!;
            extra.Add(new CoapBlock(b.Number, false, exponent).ToOption(CoapOptionNumber.Block1));
        }

        if (block2 is { Number: > 0 } later)
        {
            // A later block of a response already made: served from it, so a POST is not run again (RFC 7959 §2.4).
            if (_downloads.TryGetValue(key, out var kept))
            {
                return Slice(kept, later, extra, key);
            }

            if (message.Code != CoapCode.Get)
            {
                return Slice(CoapResponse.Diagnostic(CoapCode.RequestEntityIncomplete, "no response of this request is kept for further blocks: repeat the request from block 0"), null, extra);
            }
        }

        var response = await dispatch(CoapRequest.From(message, body), cancellationToken);
        return Slice(response, block2, extra, key);
    }

    /// <summary>Adds one Block1 block to the transfer of <paramref name="key"/>; the whole body when it was the last.</summary>
    private (CoapResponse? Response, byte[]? Body) Receive(string key, CoapBlock block, CoapMessage message)
    {
        var limit = options.MaxRequestBodyBytes;

        if (block.Number == 0)
        {
            Drop(key);
            // RFC 7959 §4: Size1 announces the whole body; refuse early rather than collect what cannot be taken.
            if (message.Find(CoapOptionNumber.Size1)?.AsUint() is { } announced && announced > limit)
            {
                return (TooLarge(), null);
            }

            if (block.More && _uploads.Count >= options.MaxExchangesPerSession)
            {
                return (CoapResponse.Diagnostic(CoapCode.ServiceUnavailable, $"this session already has {options.MaxExchangesPerSession} block-wise requests in progress", 5), null);
            }

            if (!block.More)
            {
                return message.Payload.Length > limit ? (TooLarge(), null) : (null, message.Payload);
            }

            _uploads[key] = new Upload();
        }

        if (!_uploads.TryGetValue(key, out var upload) || upload.Body.Length != block.Offset)
        {
            // RFC 7959 §2.9.2: a block that does not continue what was received.
            Drop(key);
            return (CoapResponse.Diagnostic(CoapCode.RequestEntityIncomplete, $"block {block.Number} does not continue the request body received so far (RFC 7959 §2.9.2)"), null);
        }

        if (block.More && message.Payload.Length != block.Size)
        {
            Drop(key);
            return (CoapResponse.Diagnostic(CoapCode.BadRequest, $"block {block.Number} holds {message.Payload.Length} bytes; every block but the last holds {block.Size} (RFC 7959 §2.2)"), null);
        }

        if (upload.Body.Length + message.Payload.Length > limit)
        {
            Drop(key);
            return (TooLarge(), null);
        }

        if (!budget.TryReserve(message.Payload.Length))
        {
            Drop(key);
            return (CoapResponse.Diagnostic(CoapCode.ServiceUnavailable, "the server holds as many block-wise requests as it takes; try again later", 5), null);
        }

        upload.Reserved += message.Payload.Length;
        upload.Body.Write(message.Payload);
        if (block.More)
        {
            return (null, null);
        }

        var body = upload.Body.ToArray();
        Drop(key);
        return (null, body);
    }

    /// <summary>RFC 7959 §2.9.3: 4.13 with Size1 saying how large a body this server takes.</summary>
    private CoapResponse TooLarge() => new(
        CoapCode.RequestEntityTooLarge, null, System.Text.Encoding.UTF8.GetBytes($"the request body is larger than {options.MaxRequestBodyBytes} bytes"), null, (uint)options.MaxRequestBodyBytes);

    private void Drop(string key)
    {
        if (_uploads.Remove(key, out var upload))
        {
            budget.Release(upload.Reserved);
        }
    }

    /// <summary>The options and payload of <paramref name="response"/>, or of one Block2 block of it (RFC 7959 §2.4).</summary>
    private (CoapCode Code, List<CoapOption> Options, byte[] Payload) Slice(CoapResponse response, CoapBlock? requested, List<CoapOption> extra, string? key = null)
    {
        List<CoapOption> options = [.. extra];
        if (response.ContentFormat is { } format)
        {
            options.Add(CoapOption.FromNumber(CoapOptionNumber.ContentFormat, (uint)format));
        }

        if (response.MaxAge is { } maxAge)
        {
            options.Add(CoapOption.FromNumber(CoapOptionNumber.MaxAge, maxAge));
        }

        if (response.Size1 is { } size1)
        {
            options.Add(CoapOption.FromNumber(CoapOptionNumber.Size1, size1));
        }

        var exponent = Math.Min(requested?.SizeExponent ?? _blockExponent, _blockExponent);
        var size = 1 << (exponent + 4);
        if (response.Payload.Length <= size && requested is not { Number: > 0 })
        {
            return (response.Code, options, response.Payload);
        }

        var number = requested?.Number ?? 0;
        // The client may have switched to smaller blocks: the offset is what counts.
        var offset = requested is { } r ? r.Offset : 0;
        if (offset >= response.Payload.Length)
        {
            return (CoapCode.BadOption, [], System.Text.Encoding.UTF8.GetBytes($"block {number} is past the end of the {response.Payload.Length}-byte response (RFC 7959 §2.4)"));
        }

        number = (int)(offset / size);
        var length = (int)Math.Min(size, response.Payload.Length - offset);
        var more = offset + length < response.Payload.Length;
        options.Add(new CoapBlock(number, more, exponent).ToOption(CoapOptionNumber.Block2));
        if (number == 0)
        {
            // RFC 7959 §4: Size2 tells the client the whole size with the first block.
            options.Add(CoapOption.FromNumber(CoapOptionNumber.Size2, (uint)response.Payload.Length));
        }

        if (key is not null)
        {
            KeepForBlocks(key, response, more);
        }

        return (response.Code, options, response.Payload.AsSpan((int)offset, length).ToArray());
    }

    private void KeepForBlocks(string key, CoapResponse response, bool more)
    {
        if (!more)
        {
            _downloads.Remove(key);
            return;
        }

        if (!_downloads.ContainsKey(key))
        {
            _downloadOrder.Enqueue(key);
        }

        _downloads[key] = response;

        while (_downloads.Count > RememberedRepresentations && _downloadOrder.TryDequeue(out var oldest))
        {
            _downloads.Remove(oldest);
        }
    }

    public void Dispose()
    {
        foreach (var key in _uploads.Keys.ToList())
        {
            Drop(key);
        }

        _downloads.Clear();
    }

    private sealed class Upload
    {
        public MemoryStream Body { get; } = new();

        public long Reserved { get; set; }
    }
}
